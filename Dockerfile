# The web and worker image of C4F Tracker (docker-compose.yml runs both from it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false

# libmagic: the types of submitted files are read from their bytes (python-magic).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app

COPY pyproject.toml README.md ./
COPY c4f_tracker c4f_tracker
COPY milestones milestones
RUN pip install --no-cache-dir .

COPY . .
# collectstatic needs the production settings to load, not their real values: a throw-away
# key of the length production asks for, used for nothing else.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=localhost SITE_URL=https://localhost \
    python manage.py collectstatic --noinput

USER app
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=5)"
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c c4f_tracker/gunicorn.conf.py c4f_tracker.wsgi"]
