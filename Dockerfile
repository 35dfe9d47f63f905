# syntax=docker/dockerfile:1
# A static gtt on distroless: about 7.5 MB, no shell, no libc. Released versions of the
# action pull this image prebuilt (see release.yml); nobody compiles Rust per run.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml build.rs ./
COPY src ./src
# Cargo.toml names the integration-test and benchmark targets: cargo refuses a manifest
# whose targets' files are missing, though this build compiles neither.
COPY benches ./benches
COPY tests ./tests
# The built dashboard, committed; build.rs compiles it into the binary (no Node here).
COPY dashboard/site ./dashboard/site
# The repository that publishes the action, for the workflow `gtt init` writes.
ARG GTT_ACTION_REPO
# glibc with crt-static: one fully static binary, built for the builder's own platform
# (amd64 or arm64 under buildx), so no cross toolchain is needed.
RUN target="$(rustc -vV | sed -n 's/^host: //p')" \
 && RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked --target "$target" \
 && cp "target/$target/release/gtt" /gtt

# The runner starts container actions without --user and needs root to write
# $GITHUB_OUTPUT: use the root-running `latest` tag, not `nonroot`.
FROM gcr.io/distroless/static-debian13:latest
# The binary carries the dashboard (`gtt dashboard`, input `dashboard-dir`).
COPY --from=build /gtt /gtt
ENTRYPOINT ["/gtt"]
