#!/bin/bash
# Render kannel.conf.template from the environment (the same names `manage.py kannel_config`
# reads), then run bearerbox and smsbox; when either stops, stop the other and exit, so that
# the container's restart policy starts both again.
#
#   KANNEL_RENDER_ONLY=1 entrypoint.sh    prints the configuration and exits
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

: "${KANNEL_SECRET:?set KANNEL_SECRET (the secret the system checks on every incoming SMS)}"
: "${KANNEL_SENDSMS_USERNAME:?set KANNEL_SENDSMS_USERNAME}"
: "${KANNEL_SENDSMS_PASSWORD:?set KANNEL_SENDSMS_PASSWORD}"
: "${KANNEL_WEB_URL:?set KANNEL_WEB_URL (how Kannel reaches the system, e.g. http://web:8000)}"

export KANNEL_ADMIN_PORT="${KANNEL_ADMIN_PORT:-13000}"
export KANNEL_SMSBOX_PORT="${KANNEL_SMSBOX_PORT:-13001}"
export KANNEL_SENDSMS_PORT="${KANNEL_SENDSMS_PORT:-13013}"
export KANNEL_FAKESMSC_PORT="${KANNEL_FAKESMSC_PORT:-10000}"
export KANNEL_BIND="${KANNEL_BIND:-127.0.0.1}"
export KANNEL_ALLOW_IP="${KANNEL_ALLOW_IP:-127.0.0.1}"
export KANNEL_LOG_LEVEL="${KANNEL_LOG_LEVEL:-1}"
export KANNEL_HTTP_RETRIES="${KANNEL_HTTP_RETRIES:-720}"
export KANNEL_HTTP_RETRY_DELAY="${KANNEL_HTTP_RETRY_DELAY:-10}"
export KANNEL_VAR_DIR="${KANNEL_VAR_DIR:-/var/spool/kannel/earlywarning}"
export KANNEL_ADMIN_PASSWORD="${KANNEL_ADMIN_PASSWORD:-$KANNEL_SENDSMS_PASSWORD}"
export KANNEL_SENDER="${KANNEL_SENDER:-${SMS_NUMBER:-1313}}"
# The secret as basic auth in the URL (kannel:<secret>@host): it must be URL-safe, as
# `secrets.token_urlsafe()` makes it.
scheme="${KANNEL_WEB_URL%%://*}"
rest="${KANNEL_WEB_URL#*://}"
export KANNEL_INCOMING_URL="${scheme}://kannel:${KANNEL_SECRET}@${rest%/}/sms/kannel/incoming/"

config="${KANNEL_VAR_DIR}/kannel.conf"
if [ "${KANNEL_RENDER_ONLY:-}" = "1" ]; then
    envsubst <"$here/kannel.conf.template"
    exit 0
fi
umask 077
envsubst <"$here/kannel.conf.template" >"$config"

bearerbox -v "$KANNEL_LOG_LEVEL" "$config" &
bearerbox_pid=$!
sleep 2
smsbox -v "$KANNEL_LOG_LEVEL" "$config" &
smsbox_pid=$!
trap 'kill -TERM "$bearerbox_pid" "$smsbox_pid" 2>/dev/null || true' TERM INT
wait -n "$bearerbox_pid" "$smsbox_pid" || true
kill -TERM "$bearerbox_pid" "$smsbox_pid" 2>/dev/null || true
wait || true
exit 1
