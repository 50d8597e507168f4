/*
 * qr.h — QR codes as SVG, for the verification link printed next to a
 * declaration badge (libqrencode does the encoding).
 */
#ifndef HOSHI_QR_H
#define HOSHI_QR_H

#include <stddef.h>

#include "hoshi/error.h"

/* Encodes text (at most 1,000 bytes; error correction level M) as a
 * standalone SVG document with a quiet zone of four modules, `title` (may
 * be NULL) as its accessible title.  Caller frees *out with free(). */
hoshi_err hoshi_qr_svg(const char *text, const char *title, char **out, size_t *len);

#endif
