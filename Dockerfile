# Multi-stage image: the build stage runs the same dependency script and CMake commands as the
# README, so the path CI tests is the path the image takes; the runtime stage carries only the
# stripped binaries, pipelines, schema and the shared libraries they load.
# Built with the classic builder (DOCKER_BUILDKIT=0 works) and by `docker-compose build`.
FROM debian:12 AS build
WORKDIR /src
# The packages first, in a layer of their own: source edits rebuild from `COPY . .` on and reuse it.
COPY scripts/deps.sh scripts/deps.sh
RUN scripts/deps.sh
# .dockerignore keeps .env (the passwords), build trees and data out of this copy.
COPY . .
# Release without debug info, then stripped: the binaries are ~6 MB instead of ~150 MB. No
# ccache in here: a cache inside a throwaway layer only costs time.
RUN CCACHE_DISABLE=1 CMAKE_BUILD_TYPE=Release scripts/build.sh -DSKILLGAP_BUILD_TESTS=OFF \
 && mkdir -p /out/bin \
 && cp build/engine/cli/dagrun build/api/skillgap-api /out/bin/ \
 && strip --strip-unneeded /out/bin/*

FROM debian:12-slim AS runtime
# Only run-time libraries; apt's lists, caches and logs are removed in the same layer.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libtbb12 libyaml-cpp0.7 libsoci-core4.0 libsoci-sqlite3-4.0 libsoci-mysql4.0 libmariadb3 \
      libcpprest2.10 libspdlog1.10 libfmt9 libzip4 libcurl4 libsqlite3-0 libstemmer0d ca-certificates curl \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /var/lib/dpkg/*-old \
      /var/log/apt /var/log/dpkg.log /var/log/alternatives.log
WORKDIR /app
COPY --from=build /out/bin/ /usr/local/bin/
COPY pipelines/ pipelines/
COPY schema/ schema/
COPY tests/fixtures/onet_mini/ tests/fixtures/onet_mini/
RUN mkdir -p data && useradd --system --home /app skillgap && chown skillgap /app/data
USER skillgap
EXPOSE 8080
CMD ["skillgap-api", "--listen", "0.0.0.0:8080"]
