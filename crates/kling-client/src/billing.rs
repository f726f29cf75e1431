//! The billing exports (2026-07-06): every cash deduction (`POST /account/billing/balance`)
//! and every unit deduction (`POST /account/billing/package`) of the account, newest
//! first, one page at a time or as a stream that follows the cursor.

use futures_util::Stream;
use kling_api::wire_billing::{BalanceDetail, ExportPage, ExportQuery, PackageDetail};
use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;
use crate::paging::{Page, cursor_stream};

const BALANCE_PATH: &str = "/account/billing/balance";
const PACKAGE_PATH: &str = "/account/billing/package";

impl Client {
    /// One page of the cash deductions. Reading changes nothing, so any failure may be
    /// retried.
    pub async fn balance_export(&self, query: &ExportQuery) -> Result<ExportPage<BalanceDetail>, Error> {
        self.export_page(BALANCE_PATH, query).await
    }

    /// One page of the unit (resource pack) deductions.
    pub async fn package_export(&self, query: &ExportQuery) -> Result<ExportPage<PackageDetail>, Error> {
        self.export_page(PACKAGE_PATH, query).await
    }

    /// Every cash deduction the query selects, page after page.
    pub fn balance_deductions(&self, query: ExportQuery) -> impl Stream<Item = Result<BalanceDetail, Error>> + '_ {
        cursor_stream(query, move |q| async move { self.export_page(BALANCE_PATH, &q).await.map(page_of) })
    }

    /// Every unit deduction the query selects, page after page.
    pub fn package_deductions(&self, query: ExportQuery) -> impl Stream<Item = Result<PackageDetail, Error>> + '_ {
        cursor_stream(query, move |q| async move { self.export_page(PACKAGE_PATH, &q).await.map(page_of) })
    }

    async fn export_page<T: DeserializeOwned>(&self, path: &str, query: &ExportQuery) -> Result<ExportPage<T>, Error> {
        self.with_retries(|| self.attempt::<ExportPage<T>>(Method::POST, path, Some(query)), |_| async { Ok(None) })
            .await
    }
}

fn page_of<T>(page: ExportPage<T>) -> Page<T> {
    Page { items: page.result.detail, has_more: page.has_more, next_cursor: page.next_cursor }
}
