/*
 * client_addr.c — the address a request comes from, as the log, the
 * sign-up limit and the log-in delays (throttle.c) count it.  Normally
 * the peer of the TCP connection.  Behind a reverse proxy every request
 * comes from the proxy, so all clients would share one sign-up allowance
 * and one log-in counter; with --trust-proxy ADDR, a request whose peer
 * is ADDR is counted under the address the proxy put last in
 * X-Forwarded-For (the one it saw; what comes before it is the client's
 * own claim and never trusted).  A header that is missing or is not a
 * plain IPv4/IPv6 address leaves the peer's address, so a misconfigured
 * proxy errs towards the shared counter, never towards a forged one.
 */
#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* The peer of conn as text ("?" when unknown). */
static void peer(struct MHD_Connection *conn, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "?");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

bool srv_addr_normalize(const char *text, char *out, size_t size)
{
    unsigned char bin[sizeof(struct in6_addr)];
    char copy[INET6_ADDRSTRLEN];
    size_t n = strlen(text);
    if (n == 0 || n >= sizeof copy)
        return false;
    memcpy(copy, text, n + 1);
    if (inet_pton(AF_INET, copy, bin) == 1)
        return inet_ntop(AF_INET, bin, out, (socklen_t)size) != NULL;
    if (inet_pton(AF_INET6, copy, bin) == 1)
        return inet_ntop(AF_INET6, bin, out, (socklen_t)size) != NULL;
    return false;
}

/* The last entry of an X-Forwarded-For value, blanks around it taken
 * off, normalized; false when it is not one plain address. */
static bool last_forwarded(const char *xff, char *out, size_t size)
{
    const char *start = strrchr(xff, ',');
    start = start ? start + 1 : xff;
    start += strspn(start, " \t");
    size_t n = strcspn(start, " \t");
    if (start[n + strspn(start + n, " \t")] != '\0')
        return false;   /* something after the address within the entry */
    char addr[INET6_ADDRSTRLEN];
    if (n == 0 || n >= sizeof addr)
        return false;
    memcpy(addr, start, n);
    addr[n] = '\0';
    return srv_addr_normalize(addr, out, size);
}

void srv_client_addr(const srv *s, void *conn, char *out, size_t size)
{
    peer(conn, out, size);
    if (s->cfg.trust_proxy == NULL || strcmp(out, s->cfg.trust_proxy) != 0)
        return;
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    char fwd[INET6_ADDRSTRLEN];
    if (xff != NULL && last_forwarded(xff, fwd, sizeof fwd))
        snprintf(out, size, "%s", fwd);
}
