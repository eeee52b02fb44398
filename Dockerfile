# Production image: gunicorn serving the app, the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# What the Makefile's `assets` copies, by the same script.
COPY scripts/vendor-assets.sh scripts/
RUN bash scripts/vendor-assets.sh node_modules /src/vendor

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/venv \
    PATH="/venv/bin:$PATH" STATIC_MANIFEST=1
# pg_dump/pg_restore (manage.py backup/restore) must be at least the server's major version
# (postgres:16 in docker-compose.yml), so they come from the PostgreSQL project's apt repository.
ARG PG_MAJOR=16
# Pango and a CJK font: WeasyPrint renders the public notices' PDFs (tongren_fupin/pdf.py), the
# same packages as scripts/system-deps.sh.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext ca-certificates postgresql-common \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
COPY --from=assets /src/vendor/ static/vendor/
# A template's {% static %} path missing from the manifest would answer 500: the build fails.
RUN DEBUG=1 python manage.py compilemessages --ignore=/venv \
    && DEBUG=1 python manage.py collectstatic --no-input \
    && DEBUG=1 python scripts/static_refs.py
RUN useradd --system --uid 1000 fupin && mkdir -p /app/var/backups && chown -R fupin /app/var
USER fupin
EXPOSE 8000
CMD ["gunicorn", "tongren_fupin.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
