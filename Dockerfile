# syntax=docker/dockerfile:1
# A static gtt on distroless: about 6 MB, no shell, no libc. Released versions of the
# action pull this image prebuilt (see release.yml); nobody compiles Rust per run.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY src ./src
# glibc with crt-static: one fully static binary, built for the builder's own platform
# (amd64 or arm64 under buildx), so no cross toolchain is needed.
RUN target="$(rustc -vV | sed -n 's/^host: //p')" \
 && RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked --target "$target" \
 && cp "target/$target/release/gtt" /gtt

# The runner starts container actions without --user and needs root to write
# $GITHUB_OUTPUT: use the root-running `latest` tag, not `nonroot`.
FROM gcr.io/distroless/static-debian13:latest
COPY --from=build /gtt /gtt
ENTRYPOINT ["/gtt"]
