/*
 * qr.c — renders a QR code from libqrencode as SVG: one path of unit
 * squares, so the code scales crisply at any size and prints well.
 */
#include "hoshi/qr.h"
#include "internal.h"
#include "hoshi/buf.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#define QR_TEXT_MAX 1000
#define QUIET 4

hoshi_err hoshi_qr_svg(const char *text, const char *title, char **out, size_t *len)
{
    hi_clear_error();
    *out = NULL;
    if (text == NULL || *text == '\0' || strlen(text) > QR_TEXT_MAX)
        return hi_fail(HOSHI_ERR_INPUT, "QR code text must be 1..%d bytes", QR_TEXT_MAX);
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL)
        return hi_fail(errno == ENOMEM ? HOSHI_ERR_NOMEM : HOSHI_ERR_INPUT, "QR encoding failed");
    int size = qr->width + 2 * QUIET;
    hoshi_buf b = HOSHI_BUF_INIT;
    hoshi_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                      "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\">",
                  size, size, size * 4, size * 4);
    if (title != NULL) {
        hoshi_buf_puts(&b, "<title>");
        hoshi_buf_html(&b, title);
        hoshi_buf_puts(&b, "</title>");
    }
    hoshi_buf_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size);
    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr->data[y * qr->width + x] & 1)
                hoshi_buf_printf(&b, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
    hoshi_buf_puts(&b, "\"/></svg>\n");
    QRcode_free(qr);
    return hoshi_buf_finish(&b, out, len);
}
