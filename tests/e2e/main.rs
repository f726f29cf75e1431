//! End-to-end tests: the emulator in-process on a free port, spoken to over a real socket.

mod accounts;
mod admin;
mod auth;
mod bad_input;
mod billing;
mod callbacks;
mod dashboard;
mod endpoints;
mod fuzz;
mod history;
mod hostile;
mod isolation;
mod library;
mod openapi;
mod persistence;
mod prices;
mod robustness;
mod scenarios;
mod secrets;
mod soak;
mod solutions;
mod standard;
mod tasks;
mod tls;
mod validation;
mod webhooks;
