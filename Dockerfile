# kling-mock in a container: a Rust build stage, then the binary alone on a distroless base.
#
#   docker build -t kling-mock .
#   docker run --rm -p 8088:8088 kling-mock --latency fast
#
# Arguments after the image name are kling-mock options or subcommands (`token`, `openapi`).
# KLING_MOCK_HOST binds 0.0.0.0 so the published port is reachable from the host.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p kling-mock \
    && cp target/release/kling-mock /usr/local/bin/kling-mock

# glibc and libgcc only, no shell; runs as an unprivileged user.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /usr/local/bin/kling-mock /usr/local/bin/kling-mock
ENV KLING_MOCK_HOST=0.0.0.0 KLING_MOCK_PORT=8088
EXPOSE 8088
ENTRYPOINT ["/usr/local/bin/kling-mock"]
