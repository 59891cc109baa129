# syntax=docker/dockerfile:1
# LogPilot service images (multi-stage, non-root, read-only root filesystem friendly):
#   docker build --target logpilot      -t logpilot .       REST + gRPC + management (LOGPILOT_PROTOCOL=all)
#   docker build --target logpilot-rest -t logpilot-rest .  REST + management, without the gRPC packages
#   docker build --target logpilot-grpc -t logpilot-grpc .  gRPC + management
# SQLite lives in /var/lib/logpilot (mount a volume there); everything else may be read-only.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY logpilot_manifests ./logpilot_manifests
COPY service ./service
COPY proto ./proto
# The server needs only the service (and gRPC) extras plus pydantic and PyYAML, not the manifest
# generator's dependencies: read both lists from pyproject.toml so it stays the single source of truth.
RUN python - <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
base = [d for d in project["dependencies"] if d.lower().startswith(("pydantic", "pyyaml"))]
extras = project["optional-dependencies"]
open("rest.txt", "w").write("\n".join(base + extras["service"]) + "\n")
open("all.txt", "w").write("\n".join(base + extras["service"] + extras["grpc"]) + "\n")
PY
RUN pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/rest && /opt/rest/bin/pip install -r rest.txt && /opt/rest/bin/pip install --no-deps /wheels/*.whl \
 && python -m venv /opt/all && /opt/all/bin/pip install -r all.txt && /opt/all/bin/pip install --no-deps /wheels/*.whl \
 && /opt/rest/bin/pip uninstall -y pip setuptools && /opt/all/bin/pip uninstall -y pip setuptools

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 logpilot \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/logpilot --shell /usr/sbin/nologin logpilot \
 && mkdir -p /var/lib/logpilot && chown 10001:10001 /var/lib/logpilot
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOGPILOT_SQLITE_PATH=/var/lib/logpilot/logpilot.db
WORKDIR /var/lib/logpilot
VOLUME ["/var/lib/logpilot"]
USER 10001:10001
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/actuator/health/liveness' % os.environ.get('LOGPILOT_MANAGEMENT_PORT', '8081'), timeout=2)"]
CMD ["logpilot-server"]

FROM runtime AS logpilot-rest
COPY --from=build /opt/rest /opt/rest
ENV PATH=/opt/rest/bin:$PATH LOGPILOT_PROTOCOL=rest
EXPOSE 8080 8081

FROM runtime AS logpilot-grpc
COPY --from=build /opt/all /opt/all
ENV PATH=/opt/all/bin:$PATH LOGPILOT_PROTOCOL=grpc
EXPOSE 50051 8081

FROM runtime AS logpilot
COPY --from=build /opt/all /opt/all
ENV PATH=/opt/all/bin:$PATH LOGPILOT_PROTOCOL=all
EXPOSE 8080 50051 8081
