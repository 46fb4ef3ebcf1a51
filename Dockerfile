# Multi-stage build: the Swift toolchain image builds a static-stdlib release binary; the
# runtime image carries only libpq, libcurl (FoundationNetworking's URLSession, for webhooks),
# CA certificates and the files the service reads. The toolchain matches the project's (6.3).
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest declares the test and benchmark targets, and SwiftPM refuses a target whose folder
# is missing even when building one product: all three folders come in (.dockerignore keeps
# build output and data out). scripts/api-checks.sh checks that each COPY source is tracked by git.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks
RUN swift build -c release --product clusterxchange --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/clusterxchange" /clusterxchange

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libcurl4 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 clusterxchange
WORKDIR /app
COPY --from=build /clusterxchange /usr/local/bin/clusterxchange
COPY Migrations ./Migrations
COPY seeds ./seeds
COPY openapi.json ./openapi.json
# The web console, served from these files at / (CONSOLE_DIR overrides the place).
COPY Sources/Grants/Web/console ./Sources/Grants/Web/console
# Two malloc arenas: glibc would give each allocating thread its own (issue 10, Benchmarks/results.md).
ENV CX_ROOT=/app HOST=0.0.0.0 PORT=8080 MALLOC_ARENA_MAX=2
USER clusterxchange
EXPOSE 8080
# The binary checks itself (GET /readyz on PORT, 3 s): exec form, so no shell is involved (the
# image's /bin/sh is dash, which has no /dev/tcp).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s CMD ["clusterxchange", "healthcheck"]
ENTRYPOINT ["clusterxchange"]
CMD ["serve"]
