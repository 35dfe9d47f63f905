# syntax=docker/dockerfile:1
# A static gtt on distroless: about 6 MB, no shell, no libc. Released versions of the
# action pull this image prebuilt (see release.yml); nobody compiles Rust per run.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY src ./src
# The repository that publishes the action, for the workflow `gtt init` writes.
ARG GTT_ACTION_REPO
# glibc with crt-static: one fully static binary, built for the builder's own platform
# (amd64 or arm64 under buildx), so no cross toolchain is needed.
RUN target="$(rustc -vV | sed -n 's/^host: //p')" \
 && RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked --target "$target" \
 && cp "target/$target/release/gtt" /gtt

# The dashboard: static files only (HTML, CSS, one script, uPlot's own dist files), the
# same for every platform, so it is built once on the builder's platform. `--omit=dev`:
# the build needs uPlot alone (playwright-core is for the browser tests).
FROM --platform=$BUILDPLATFORM node:20-bookworm-slim AS site
WORKDIR /site/dashboard
COPY dashboard/package.json dashboard/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY dashboard/build.mjs ./
COPY dashboard/src ./src
RUN npm run build

# The runner starts container actions without --user and needs root to write
# $GITHUB_OUTPUT: use the root-running `latest` tag, not `nonroot`.
FROM gcr.io/distroless/static-debian13:latest
COPY --from=build /gtt /gtt
# `gtt dashboard` and the input `dashboard-dir` copy the site from here.
COPY --from=site /site/dashboard/dist /dashboard
ENTRYPOINT ["/gtt"]
