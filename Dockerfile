FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    LOYALTY_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    MIGRATIONS_DIR=/srv/migrations

RUN useradd --create-home --uid 10001 loyalty
WORKDIR /srv
COPY pyproject.toml README.md schema.graphql ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir -e . && chown -R loyalty:loyalty /srv

USER loyalty
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/health', timeout=4)"
# Production refuses to start with a default JWT secret, GraphiQL on, or no DATABASE_URL.
CMD ["sh", "-c", "loyalty migrate && exec loyalty serve"]
