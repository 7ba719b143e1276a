#!/usr/bin/env bash
# Redis, PostgreSQL and nginx for the queue-mode suite (tools/queue-mode), from Debian's packages:
#   queue-services.sh install                      apt-get installs what is missing (as root)
#   queue-services.sh up <dir> <redis-port> <pg-port> <nginx-port> <upstream-port>...
#                                                  starts all three on 127.0.0.1 with data in <dir>
#   queue-services.sh down <dir>                   stops them and removes <dir>
# Postgres refuses to run as root, so each service runs as its package's unprivileged user
# (postgres, redis, www-data) in a subfolder of <dir> that user owns. nginx round-robins over the
# upstream ports (the `n8n webhook` processes), as operators put it in front of them.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
as() { local user=$1; shift; runuser -u "$user" -- "$@"; }

install_packages() {
	if command -v redis-server >/dev/null && command -v nginx >/dev/null && [ -x "$PG_BIN/initdb" ]; then
		return 0
	fi
	[ "$(id -u)" = 0 ] || { echo "queue-services: installing packages needs root" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends redis-server postgresql nginx >/dev/null
	# The packages start system-wide services on the default ports; the suite runs its own.
	for svc in redis-server postgresql nginx; do
		command -v systemctl >/dev/null && systemctl disable --now "$svc" >/dev/null 2>&1 || true
		service "$svc" stop >/dev/null 2>&1 || true
	done
}

up() {
	local dir=$1 redis_port=$2 pg_port=$3 nginx_port=$4
	shift 4
	mkdir -p "$dir/pg" "$dir/redis" "$dir/nginx"
	chmod 755 "$dir"
	chown postgres: "$dir/pg"
	chown redis: "$dir/redis"
	chown www-data: "$dir/nginx"

	as postgres "$PG_BIN/initdb" -D "$dir/pg/data" -U postgres -A trust --no-sync >/dev/null
	as postgres "$PG_BIN/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -o \
		"-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
	as postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres n8n

	as redis redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log"
	for _ in $(seq 50); do redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
	redis-cli -p "$redis_port" ping | grep -q PONG

	local servers=""
	for p in "$@"; do servers+="    server 127.0.0.1:$p;"$'\n'; done
	cat >"$dir/nginx/nginx.conf" <<CONF
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log notice;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log $dir/nginx/access.log;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  upstream n8n_webhooks {
$servers  }
  server {
    listen 127.0.0.1:$nginx_port;
    client_max_body_size 20m;
    location / {
      proxy_pass http://n8n_webhooks;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header Connection "";
    }
  }
}
CONF
	chown www-data: "$dir/nginx/nginx.conf"
	as www-data nginx -e "$dir/nginx/error.log" -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
	for _ in $(seq 50); do [ -s "$dir/nginx/nginx.pid" ] && break; sleep 0.1; done
	[ -s "$dir/nginx/nginx.pid" ]
}

down() {
	local dir=$1
	[ -d "$dir" ] || return 0
	[ -f "$dir/nginx/nginx.pid" ] && kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
	[ -f "$dir/redis/redis.pid" ] && kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true
	[ -f "$dir/pg/data/postmaster.pid" ] && as postgres "$PG_BIN/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	for _ in $(seq 50); do
		[ -e "$dir/nginx/nginx.pid" ] || [ -e "$dir/redis/redis.pid" ] || [ -e "$dir/pg/data/postmaster.pid" ] || break
		sleep 0.1
	done
	rm -rf "$dir"
}

case "${1:-}" in
	install) install_packages ;;
	up) shift; up "$@" ;;
	down) shift; down "$@" ;;
	*) echo "usage: $0 install | up <dir> <redis-port> <pg-port> <nginx-port> <upstream-port>... | down <dir>" >&2; exit 2 ;;
esac
