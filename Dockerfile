# The matchmaker app, installed with uv from the committed lock file.
FROM python:3.11-slim

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 1000 matchmaker \
    && mkdir /data && chown matchmaker /data

WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/app/.venv

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project

COPY matchmaker ./matchmaker
COPY sql ./sql
COPY seeds ./seeds
RUN uv sync --locked --no-dev

ENV PATH="/app/.venv/bin:$PATH" \
    MATCHMAKER_HOST=0.0.0.0 \
    MATCHMAKER_DATA_DIR=/data
USER matchmaker
EXPOSE 8000
CMD ["matchmaker", "serve"]
