# ConvGrad server image.
#   docker build -t convgrad/gradserver .
#   docker run --rm -p 8080:8080 convgrad/gradserver
# The default build uses AVX2+FMA kernels (x86-64 since 2013); --build-arg PORTABLE=1 builds the
# portable kernels for any x86-64 or arm64 host.

# Build stage: the official Swift toolchain image, which already has libcurl4-openssl-dev and
# pkg-config for the CCurl module.
FROM swift:6.3.1-noble AS build
ARG PORTABLE=""
WORKDIR /build
COPY . .
RUN if [ -n "$PORTABLE" ]; then export CONVGRAD_PORTABLE=1; fi \
    && swift build -c release --product gradserver \
    && swift build -c release --product gradclient \
    && mkdir -p /staging \
    && cp "$(swift build -c release --show-bin-path)/gradserver" \
          "$(swift build -c release --show-bin-path)/gradclient" /staging/

# Runtime stage: the Swift runtime libraries and libcurl4, nothing to build with.
FROM swift:6.3.1-noble-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin gradserver
COPY --from=build /staging/ /usr/local/bin/
USER 10001:10001
EXPOSE 8080
# gradclient exits 0 only on a 2xx answer from /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["gradclient", "health", "--url", "http://127.0.0.1:8080", "--timeout", "2"]
# Exec form: gradserver is PID 1 and gets SIGTERM itself, so `docker stop` drains it.
ENTRYPOINT ["gradserver", "--host", "0.0.0.0", "--port", "8080"]
