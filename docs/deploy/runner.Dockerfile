# A remote Sightline runner: Debian's Chromium plus the `sightline` binary.
# Build from the repository root:
#   docker build -f docs/deploy/runner.Dockerfile -t sightline-runner .
# Run (the project folder holds sightline.toml and journeys/):
#   docker run --rm -e SIGHTLINE_TOKEN=... -v "$PWD:/project:ro" -v spool:/spool \
#     sightline-runner --region eu-west-1 --push https://workbench.example:4000
# Checked by `hadolint` in scripts/test.sh.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p sightline-cli \
    && install -m 0755 "target/release/sightline" /usr/local/bin/sightline

FROM debian:bookworm-slim
# Chromium follows Debian's security updates, so its version is not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium ca-certificates fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 sightline \
    && mkdir -p /spool /project \
    && chown sightline:sightline /spool
COPY --from=build /usr/local/bin/sightline /usr/local/bin/sightline
USER 10001
WORKDIR /project
# The spool keeps results until the workbench has them; mount a volume here.
VOLUME ["/spool"]
ENTRYPOINT ["sightline", "runner", "--project", "/project/sightline.toml", "--spool", "/spool/spool.db"]
