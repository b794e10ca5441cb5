# syntax=docker/dockerfile:1
#
# Provider Portal image: one static Go binary carrying the templates, migrations and the
# built front end (portal.go embeds views/, migrations/ and static/).
#
#   docker build -t provider-portal .
#   docker run --rm provider-portal keygen
#   docker compose up            (see docker-compose.yml)

# --- Front end: GOV.UK Frontend Sass and browser assets into static/dist -----------------
FROM node:20 AS assets
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the build needs none (package.json's allowScripts says the same), and
# refusing them keeps a compromised dependency from running code at install time.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/ scripts/
COPY static/ static/
RUN npm run build

# --- Go binary ------------------------------------------------------------------------------
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
# The binary embeds static/, so the built assets must be in place before go build.
COPY --from=assets /src/static/dist/ static/dist/
# timetzdata embeds the time zone database: deadlines are computed in Europe/London
# whatever the final image carries.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags='-s -w' -o /out/portal ./cmd/portal

# --- Runtime --------------------------------------------------------------------------------
# debian-slim rather than distroless: a health check needs an HTTP client inside the
# container, distroless has none (and no shell), and the portal has no health-check
# subcommand. curl is the only addition; ca-certificates lets the mailer verify the SMTP
# server's certificate (STARTTLS or smtps).
FROM debian:trixie-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin portal
COPY --from=build /out/portal /portal
# A numeric user, so orchestrators that refuse root (runAsNonRoot) can check it.
USER 10001:10001
ENV PORT=8080
EXPOSE 8080
# /healthz touches nothing but the process, so a slow database never gets it restarted.
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/healthz" || exit 1
ENTRYPOINT ["/portal"]
CMD ["serve"]
