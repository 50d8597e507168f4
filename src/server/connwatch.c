/*
 * connwatch.c — a bound on the whole time a client may take to send a
 * request's headers (issue 7, finding 4).
 *
 * libmicrohttpd 0.9.75 has only an idle timeout, which every received
 * byte restarts: a client sending one header line a second holds its
 * connection for ever, and a few thousand such clients hold them all.
 * It has no option for a total header time, so this watchdog keeps one
 * record per connection (MHD_OPTION_NOTIFY_CONNECTION), whose clock
 * starts when the connection opens and again when a request completes
 * on it, and stops when the headers are in (the first call of the
 * request handler).  Once a second it shuts down (shutdown(2), never
 * close: the descriptor stays libmicrohttpd's) every connection whose
 * clock has run past the limit; libmicrohttpd then sees the end of the
 * stream and cleans up.  Records go away in the CLOSED notification,
 * which libmicrohttpd sends before it closes the socket, under the same
 * lock as the scan, so a descriptor is never shut down after its reuse.
 */
#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

typedef struct conn_rec {
    int fd;
    bool receiving;           /* waiting for a request's headers */
    long long deadline_ms;    /* monotonic; meaningful while receiving */
    char ip[64];
    struct conn_rec *prev, *next;
} conn_rec;

struct srv_connwatch {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool started, stopping;
    long long limit_ms;
    conn_rec *head;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watch(void *arg)
{
    srv_connwatch *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->wake, &w->lock, &until);
        long long now = now_ms();
        for (conn_rec *c = w->head; c != NULL; c = c->next) {
            if (!c->receiving || now < c->deadline_ms)
                continue;
            shutdown(c->fd, SHUT_RDWR);
            c->receiving = false;
            srv_log(NULL, "warn", "header_timeout", "ip", c->ip, (const char *)NULL);
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

hoshi_err srv_connwatch_start(int limit_s, srv_connwatch **out)
{
    srv_connwatch *w = calloc(1, sizeof *w);
    if (w == NULL)
        return HOSHI_ERR_NOMEM;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->limit_ms = (long long)limit_s * 1000;
    if (pthread_create(&w->thread, NULL, watch, w) != 0) {
        srv_connwatch_stop(w);
        return HOSHI_ERR_NOMEM;
    }
    w->started = true;
    *out = w;
    return HOSHI_OK;
}

void srv_connwatch_stop(srv_connwatch *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    if (w->started)
        pthread_join(w->thread, NULL);
    /* Records of connections still open are freed by their CLOSED
     * notification when the daemon stops; any left are freed here. */
    conn_rec *c = w->head;
    while (c != NULL) {
        conn_rec *next = c->next;
        free(c);
        c = next;
    }
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

void srv_connwatch_opened(srv_connwatch *w, void *conn, void **socket_context)
{
    conn_rec *c = calloc(1, sizeof *c);
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *ad = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    *socket_context = c;
    if (c == NULL || fd == NULL)
        return;   /* not watched: the idle timeout still applies */
    c->fd = fd->connect_fd;
    snprintf(c->ip, sizeof c->ip, "?");
    if (ad != NULL && ad->client_addr != NULL && ad->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ad->client_addr)->sin_addr, c->ip,
                  sizeof c->ip);
    pthread_mutex_lock(&w->lock);
    c->receiving = true;
    c->deadline_ms = now_ms() + w->limit_ms;
    c->next = w->head;
    if (w->head != NULL)
        w->head->prev = c;
    w->head = c;
    pthread_mutex_unlock(&w->lock);
}

void srv_connwatch_closed(srv_connwatch *w, void **socket_context)
{
    conn_rec *c = *socket_context;
    *socket_context = NULL;
    if (c == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    if (c->prev != NULL || w->head == c) {
        if (c->prev != NULL)
            c->prev->next = c->next;
        else
            w->head = c->next;
        if (c->next != NULL)
            c->next->prev = c->prev;
    }
    pthread_mutex_unlock(&w->lock);
    free(c);
}

static conn_rec *rec_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci != NULL ? ci->socket_context : NULL;
}

void srv_connwatch_mark(srv_connwatch *w, void *conn, bool receiving)
{
    conn_rec *c = rec_of(conn);
    if (w == NULL || c == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    c->receiving = receiving;
    c->deadline_ms = now_ms() + w->limit_ms;
    pthread_mutex_unlock(&w->lock);
}
