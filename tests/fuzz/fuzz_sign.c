/*
 * fuzz_sign.c — libFuzzer target for what hoshi verify reads from outside
 * (src/lib/sign/): the input is a public keys JSON, a newline, and a
 * token.  Any bytes must give a keyring or a clean error, and then a
 * verified declaration or a clean error — never a crash, and a verified
 * declaration always in its canonical form.
 */
#include "hoshi/sign.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t jlen = nl != NULL ? (size_t)(nl - data) : size;
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    hoshi_keyring *k = NULL;
    if (hoshi_keyring_from_json(text, jlen, &k) == HOSHI_OK) {
        const char *token = nl != NULL ? text + jlen + 1 : "";
        hoshi_sign_decl d;
        char kid[HOSHI_SIGN_KEY_ID_LEN + 1];
        if (hoshi_sign_verify(k, token, &d, kid) == HOSHI_OK) {
            hoshi_buf b = HOSHI_BUF_INIT;
            if (hoshi_sign_canonical(&d, &b) != HOSHI_OK)
                abort();
            hoshi_buf_free(&b);
        }
        hoshi_buf j = HOSHI_BUF_INIT;
        hoshi_keyring_json(k, &j);
        hoshi_buf_free(&j);
        hoshi_keyring_free(k);
    }
    free(text);
    return 0;
}
