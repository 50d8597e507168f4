/*
 * mail_wake.c — the signal between those who queue e-mail (mail_send.c)
 * and the sender thread (mailer.c): "the outbox has news" and "stop".
 * Kept apart so queueing a message need not know the sender, and the
 * sender, which runs the reminder scan that queues, need not be known by
 * it (the two files would otherwise call each other).
 */
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

struct srv_mailwake {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool woken, stop;
};

hoshi_err srv_mailwake_new(srv_mailwake **out)
{
    srv_mailwake *w = calloc(1, sizeof *w);
    if (w == NULL)
        return hoshi_error_set(HOSHI_ERR_NOMEM, "no memory for the mail signal");
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    *out = w;
    return HOSHI_OK;
}

void srv_mailwake_free(srv_mailwake *w)
{
    if (w == NULL)
        return;
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

static void raise_flag(srv_mailwake *w, bool stop)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    if (stop)
        w->stop = true;
    else
        w->woken = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void srv_mailwake_signal(srv_mailwake *w)
{
    raise_flag(w, false);
}

void srv_mailwake_stop(srv_mailwake *w)
{
    raise_flag(w, true);
}

bool srv_mailwake_wait(srv_mailwake *w, int seconds)
{
    pthread_mutex_lock(&w->lock);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    while (seconds > 0 && !w->woken && !w->stop)
        if (pthread_cond_timedwait(&w->cond, &w->lock, &until) == ETIMEDOUT)
            break;
    w->woken = false;
    bool go_on = !w->stop;
    pthread_mutex_unlock(&w->lock);
    return go_on;
}
