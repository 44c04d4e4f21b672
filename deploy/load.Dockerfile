# The campaign's image (tests/load): locust, the journeys and the seeding, for running the
# data-update campaign against a deployment from inside a cluster (deploy/k8s/load).
#   docker build -f deploy/load.Dockerfile -t <your registry>/jingzhun-load .
# Its build context is deploy/load.Dockerfile.dockerignore's (BuildKit reads it before the
# repository's .dockerignore): only what is copied below.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app
RUN python -m pip install --no-cache-dir --quiet locust==2.47.0 httpx==0.28.1 \
    && groupadd --gid 10001 jingzhun \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin jingzhun
WORKDIR /app
COPY kit/__init__.py kit/id_numbers.py kit/
COPY devstack/__init__.py devstack/province.py devstack/
COPY services/identity/data/regions-37.tsv.gz services/identity/data/
COPY tests/load tests/load
USER 10001:10001
WORKDIR /app/tests/load
ENTRYPOINT ["locust", "-f", "/app/tests/load/locustfile.py"]
