/*
 * pwpool.c — the password pool: a few threads that compute and check
 * Argon2id hashes, fed by a bounded queue (issue 7, finding 5).
 *
 * An Argon2id hash takes 64 MiB and a good fraction of a second of CPU.
 * Done on the HTTP threads, a burst of sign-ups or log-ins held every
 * thread and every connection behind them and multiplied the memory.
 * Here at most `workers` hashes run at once, at most `queue_max` wait,
 * and a job that finds the queue full is refused at once so the caller
 * can answer 503: memory stays bounded and the HTTP threads stay free
 * (http.c suspends the connection while its job waits).
 */
#include "server.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS_MAX 16

struct srv_pwpool {
    pthread_mutex_t lock;
    pthread_cond_t more;      /* a job was queued, or the pool stops */
    pthread_cond_t idle;      /* a job finished */
    srv_pwjob *head, *tail;
    int queued, running, queue_max;
    bool draining, stopping;
    pthread_t thread[WORKERS_MAX];
    int n_thread;
};

static void run_job(srv_pwjob *job)
{
    size_t len = strlen(job->password);
    if (job->verify) {
        job->ok = crypto_pwhash_str_verify(job->hash, job->password, len) == 0;
    } else {
        job->ok = crypto_pwhash_str(job->hash, job->password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
    }
    sodium_memzero(job->password, sizeof job->password);
}

static void *worker(void *arg)
{
    srv_pwpool *pool = arg;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->head == NULL && !pool->stopping)
            pthread_cond_wait(&pool->more, &pool->lock);
        if (pool->head == NULL)
            break;
        srv_pwjob *job = pool->head;
        pool->head = job->next;
        if (pool->head == NULL)
            pool->tail = NULL;
        pool->queued--;
        pool->running++;
        pthread_mutex_unlock(&pool->lock);
        run_job(job);
        /* done() before the job stops counting, so srv_pwpool_drain returns
         * only once every waiting connection has been told. */
        job->done(job);
        pthread_mutex_lock(&pool->lock);
        pool->running--;
        pthread_cond_broadcast(&pool->idle);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

hoshi_err srv_pwpool_new(int workers, int queue_max, srv_pwpool **out)
{
    srv_pwpool *pool = calloc(1, sizeof *pool);
    if (pool == NULL)
        return HOSHI_ERR_NOMEM;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->more, NULL);
    pthread_cond_init(&pool->idle, NULL);
    pool->queue_max = queue_max;
    if (workers > WORKERS_MAX)
        workers = WORKERS_MAX;
    for (int i = 0; i < workers; i++) {
        if (pthread_create(&pool->thread[i], NULL, worker, pool) != 0) {
            srv_pwpool_free(pool);
            return HOSHI_ERR_NOMEM;
        }
        pool->n_thread++;
    }
    *out = pool;
    return HOSHI_OK;
}

bool srv_pwpool_submit(srv_pwpool *pool, srv_pwjob *job)
{
    pthread_mutex_lock(&pool->lock);
    bool ok = !pool->draining && pool->queued < pool->queue_max;
    if (ok) {
        job->next = NULL;
        if (pool->tail != NULL)
            pool->tail->next = job;
        else
            pool->head = job;
        pool->tail = job;
        pool->queued++;
        pthread_cond_signal(&pool->more);
    }
    pthread_mutex_unlock(&pool->lock);
    return ok;
}

int srv_pwpool_queued(srv_pwpool *pool)
{
    pthread_mutex_lock(&pool->lock);
    int n = pool->queued + pool->running;
    pthread_mutex_unlock(&pool->lock);
    return n;
}

void srv_pwpool_drain(srv_pwpool *pool)
{
    if (pool == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->draining = true;
    while (pool->queued > 0 || pool->running > 0)
        pthread_cond_wait(&pool->idle, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

void srv_pwpool_free(srv_pwpool *pool)
{
    if (pool == NULL)
        return;
    srv_pwpool_drain(pool);
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->more);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->n_thread; i++)
        pthread_join(pool->thread[i], NULL);
    pthread_cond_destroy(&pool->idle);
    pthread_cond_destroy(&pool->more);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
