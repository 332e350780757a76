# Multi-stage image: the build stage runs the same dependency script and CMake commands as the
# README, so the path CI tests is the path the image takes; the runtime stage carries only the
# binaries, pipelines, schema and the shared libraries they load.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/deps.sh scripts/deps.sh
RUN scripts/deps.sh
COPY . .
RUN SKILLGAP_BUILD_TESTS=OFF scripts/build.sh -DSKILLGAP_BUILD_TESTS=OFF \
 && mkdir -p /out/bin \
 && cp build/engine/cli/dagrun build/api/skillgap-api /out/bin/

FROM debian:12-slim AS runtime
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libtbb12 libyaml-cpp0.7 libsoci-core4.0 libsoci-sqlite3-4.0 libsoci-mysql4.0 libmariadb3 \
      libcpprest2.10 libspdlog1.10 libfmt9 libzip4 libcurl4 libsqlite3-0 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out/bin/ /usr/local/bin/
COPY pipelines/ pipelines/
COPY schema/ schema/
COPY tests/fixtures/onet_mini/ tests/fixtures/onet_mini/
RUN mkdir -p data && useradd --system --home /app skillgap && chown skillgap /app/data
USER skillgap
EXPOSE 8080
CMD ["skillgap-api", "--listen", "0.0.0.0:8080"]
