# Multi-stage build: the Swift toolchain image builds a static-stdlib release binary; the
# runtime image carries only libpq, libcurl (FoundationNetworking's URLSession, for webhooks),
# CA certificates and the files the service reads. The toolchain matches the project's (6.3).
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
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
# Two malloc arenas: glibc would give each allocating thread its own (issue 10, Benchmarks/results.md).
ENV CX_ROOT=/app HOST=0.0.0.0 PORT=8080 MALLOC_ARENA_MAX=2
USER clusterxchange
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["clusterxchange"]
CMD ["serve"]
