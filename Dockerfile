# One image for every role: `brightkitchen ingest|detect|api`.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg libgl1 libglib2.0-0 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY ingest ingest
COPY detectors detectors
COPY api api
COPY web web
COPY brightkitchen brightkitchen
COPY scripts scripts
RUN pip install --no-cache-dir . && python scripts/fetch_models.py
ENV BK_DATA_DIR=/data BK_MODELS_DIR=/app/.models
VOLUME /data
ENTRYPOINT ["brightkitchen"]
