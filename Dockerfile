# One image for the three services: `magistere catalog|enrolment|tracking`.
# Build stage: the Swift toolchain and the C libraries' headers.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends librabbitmq-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product magistere --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/magistere" /out/magistere \
 && cp -r "$(swift build -c release --show-bin-path)"/*.resources /out/ 2>/dev/null || true

# Runtime stage: only the shared libraries the binary links.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends librabbitmq4 libsqlite3-0 ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/magistere --create-home magistere
COPY --from=build /out/ /usr/local/bin/
USER magistere
WORKDIR /var/lib/magistere
ENV MAGISTERE_DATA_DIR=/var/lib/magistere \
    MAGISTERE_HTTP_HOST=0.0.0.0 \
    MAGISTERE_LOG_FORMAT=json
ENTRYPOINT ["/usr/local/bin/magistere"]
CMD ["--help"]
