/*
 * log_redact.c — what the log writes instead of a path that is a secret.
 * Some links are their own credential: a survey invitation (/s/TOKEN), a
 * password reset, a member's invitation and an e-mail change's
 * confirmation carry a token that works for whoever holds it.  A log line
 * is read by more people and kept longer than the link is valid, so such
 * a path is logged as its route with the token replaced: the operator
 * still sees which kind of link was used, and when, but not which one.
 *
 * The list follows route.c: a new route whose path carries a token adds
 * its prefix here (tests/http/test_request_log.py drives each one).
 */
#include "server.h"

#include <string.h>

static const struct {
    const char *prefix;    /* the route's prefix; a token follows it */
    const char *logged;    /* what the log says instead */
} secret_links[] = {
    {"/s/", "/s/(token)"},
    {"/password/reset/", "/password/reset/(token)"},
    {"/invite/", "/invite/(token)"},
    {"/email/confirm/", "/email/confirm/(token)"},
    {"/suppliers/invite/", "/suppliers/invite/(token)"},
};

/* Pages under a secret prefix that carry no token. */
static const char *const open_paths[] = {"/s/thanks"};

const char *srv_log_redact(const char *value)
{
    if (value == NULL || value[0] != '/')
        return value;
    for (size_t i = 0; i < sizeof open_paths / sizeof open_paths[0]; i++)
        if (strcmp(value, open_paths[i]) == 0)
            return value;
    for (size_t i = 0; i < sizeof secret_links / sizeof secret_links[0]; i++) {
        size_t n = strlen(secret_links[i].prefix);
        if (strncmp(value, secret_links[i].prefix, n) == 0 && value[n] != '\0')
            return secret_links[i].logged;
    }
    return value;
}
