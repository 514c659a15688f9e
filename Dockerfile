# One image for every process of the system: the web (gunicorn), the Celery workers and beat.
# docker-compose.yml chooses the command; the settings come from the environment at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint renders the PDF reports with Pango; fonts with French accents included.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/app --uid 10001 app

WORKDIR /app

# Dependencies first, so a change of code alone does not install them again.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Catalogues and static files are part of the image. Production settings insist on their
# variables even here; these throwaway values exist for this step only and stay out of the image.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    SITE_URL=https://build.invalid \
    sh -c 'python manage.py compile_catalogues && python manage.py collectstatic --noinput'

RUN mkdir -p /app/var/media /app/var/metrics && chown -R app:app /app/var

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py", "--bind", "0.0.0.0:8000"]
