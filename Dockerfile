# syntax=docker/dockerfile:1
# One image for every process: web (gunicorn), worker and beat (celery), and the one-off
# migrate step. docker-compose.yml wires them; docs/deployment.md is the operator's guide.

# --- Build stage: install the project and its pinned dependencies into a venv ----------
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY . .
# The venv's own pip and setuptools are the image's old ones (setuptools 65 has known
# CVEs): upgrade them, setuptools to the version constraints.txt pins.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --upgrade pip && pip install -c constraints.txt --upgrade setuptools
# constraints.txt holds the exact versions the test suite ran against.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c constraints.txt .

# --- Runtime stage -----------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=takedown.settings.production \
    TAKEDOWN_VAR_DIR=/app/var

# A writable home of its own: gunicorn keeps its control socket under $HOME.
RUN groupadd --system --gid 10001 takedown \
    && useradd --system --uid 10001 --gid takedown --create-home --home-dir /home/takedown \
        --shell /usr/sbin/nologin takedown

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root (read-only for the app); only the data directory and the
# collected static files are the app user's. /app/var/evidence exists in the image, so
# a fresh named volume mounted there starts out owned by the app user.
COPY . .
RUN mkdir -p /app/var/evidence /app/staticfiles \
    && chown -R takedown:takedown /app/var /app/staticfiles

USER takedown

# Production settings refuse to start without SECRET_KEY, ALLOWED_HOSTS and TAKEDOWN_KEKS.
# These throwaway values exist only for this RUN (they are not ENV, so no container
# ever sees them); collectstatic touches neither the database nor any key.
RUN SECRET_KEY=build-time-collectstatic-only-not-a-secret-0123456789abcdef \
    ALLOWED_HOSTS=localhost \
    TAKEDOWN_KEKS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
    python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "takedown.wsgi:application", "--bind", "0.0.0.0:8000"]
