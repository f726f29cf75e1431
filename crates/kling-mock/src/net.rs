//! The listener: plain TCP, plus a handle per connection that lets a scenario break the
//! connection instead of answering (close it, or reset it with a TCP RST).
//!
//! A handler that wants a connection fault sets it on the handle (reached through
//! `ConnectInfo`); the stream then refuses to write, so the response never leaves and
//! hyper drops the connection. For a reset the socket's linger time is set to zero first,
//! which makes the kernel send RST instead of FIN on close.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::scenario::file::ConnectionFault;

const HEALTHY: u8 = 0;
const DROP: u8 = 1;
const RESET: u8 = 2;

/// Lets a handler break its own connection.
#[derive(Debug, Clone)]
pub struct ConnectionHandle {
    fault: Arc<AtomicU8>,
    /// The peer's address.
    pub remote: SocketAddr,
}

impl ConnectionHandle {
    /// Makes the connection fail instead of sending the response.
    pub fn break_with(&self, fault: ConnectionFault) {
        let code = match fault {
            ConnectionFault::Drop => DROP,
            ConnectionFault::Reset => RESET,
        };
        self.fault.store(code, Ordering::Release);
    }
}

/// A TCP listener whose connections can be broken on purpose.
#[derive(Debug)]
pub struct FaultListener {
    inner: TcpListener,
}

impl FaultListener {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener) -> FaultListener {
        FaultListener { inner }
    }
}

/// A connection whose writes fail once a fault is set.
#[derive(Debug)]
pub struct FaultStream {
    inner: TcpStream,
    handle: ConnectionHandle,
}

impl Listener for FaultListener {
    type Io = FaultStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (inner, remote) = Listener::accept(&mut self.inner).await;
        let _ = inner.set_nodelay(true);
        let handle = ConnectionHandle { fault: Arc::new(AtomicU8::new(HEALTHY)), remote };
        (FaultStream { inner, handle }, remote)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for ConnectionHandle {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.io().handle.clone()
    }
}

impl FaultStream {
    /// The handle through which a handler can break this connection.
    pub fn handle(&self) -> ConnectionHandle {
        self.handle.clone()
    }

    fn broken(&self) -> Option<io::Error> {
        match self.handle.fault.load(Ordering::Acquire) {
            HEALTHY => None,
            code => {
                if code == RESET {
                    let _ = socket2::SockRef::from(&self.inner).set_linger(Some(Duration::ZERO));
                }
                Some(io::Error::new(io::ErrorKind::ConnectionAborted, "connection broken by a scenario"))
            }
        }
    }
}

impl AsyncRead for FaultStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.broken() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
