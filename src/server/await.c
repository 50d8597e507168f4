/*
 * await.c — a request that waits for the password pool.  A handler that
 * needs a password hashed or verified calls srv_req_await(); the request
 * layer (http.c) then suspends the connection (MHD_suspend_connection)
 * unless the job is already done, and the pool thread resumes it when
 * the job ends, so no HTTP thread ever waits for Argon2id.  Shutdown
 * waits here for requests still in flight.
 *
 * Its own file so that both the request layer and the pages call it and
 * neither calls the other: http.c -> route.c -> page_account.c -> await.c,
 * and http.c -> await.c.
 */
#include "server.h"

#include <microhttpd.h>
#include <time.h>

/* Requests waiting for the pool or being finished after it. */
static pthread_mutex_t await_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t await_cond = PTHREAD_COND_INITIALIZER;
static int awaiting;

void srv_await_init(srv_await *a, void *conn)
{
    pthread_mutex_init(&a->lock, NULL);
    a->conn = conn;
    a->job_done = a->suspended = false;
}

void srv_await_destroy(srv_await *a)
{
    pthread_mutex_destroy(&a->lock);
}

/* On a pool thread: the job is done; resume the connection only if it was
 * suspended, and never before. */
static void job_done(srv_pwjob *job)
{
    srv_await *a = job->arg;
    pthread_mutex_lock(&a->lock);
    a->job_done = true;
    if (a->suspended)
        MHD_resume_connection(a->conn);
    pthread_mutex_unlock(&a->lock);
}

void srv_await_attach(srv_req *r, srv_await *a)
{
    r->job.done = job_done;
    r->job.arg = a;
}

static void count(int delta)
{
    pthread_mutex_lock(&await_lock);
    awaiting += delta;
    pthread_cond_broadcast(&await_cond);
    pthread_mutex_unlock(&await_lock);
}

bool srv_req_await(srv_req *r, void (*cont)(srv_req *r, srv_resp *p))
{
    srv_await *a = r->job.arg;
    a->job_done = false;
    r->cont = cont;
    count(+1);
    if (srv_pwpool_submit(r->s->pool, &r->job))
        return true;
    r->cont = NULL;
    count(-1);
    return false;
}

bool srv_await_suspend(srv_await *a)
{
    pthread_mutex_lock(&a->lock);
    bool suspend = !a->job_done;
    if (suspend) {
        MHD_suspend_connection(a->conn);
        a->suspended = true;
    }
    pthread_mutex_unlock(&a->lock);
    return suspend;
}

void srv_await_resumed(srv_await *a)
{
    /* Taking the lock once more waits for job_done() to let go of a. */
    pthread_mutex_lock(&a->lock);
    a->suspended = false;
    pthread_mutex_unlock(&a->lock);
}

void srv_await_finished(void)
{
    count(-1);
}

void srv_await_drain(int seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&await_lock);
    while (awaiting > 0)
        if (pthread_cond_timedwait(&await_cond, &await_lock, &until) != 0)
            break;
    pthread_mutex_unlock(&await_lock);
}
