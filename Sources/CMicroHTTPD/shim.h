#ifndef JACKPOTD_CMICROHTTPD_SHIM_H
#define JACKPOTD_CMICROHTTPD_SHIM_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>

/*
 * MHD_start_daemon is variadic, which Swift cannot call. This wrapper takes every
 * option the ingest server sets as a typed parameter and hands them to
 * libmicrohttpd as one MHD_OPTION_ARRAY, so a Swift caller cannot pass an int
 * where the library reads a pointer. TLS strings may be NULL (plain HTTP;
 * no client certificate check).
 */
static inline struct MHD_Daemon *jk_mhd_start(
    unsigned int flags, int listen_fd,
    MHD_AccessHandlerCallback handler, void *handler_context,
    MHD_RequestCompletedCallback completed, void *completed_context,
    unsigned int connection_limit, unsigned int connection_timeout_seconds, size_t connection_memory_limit,
    const char *tls_key_pem, const char *tls_certificate_pem, const char *tls_trust_pem)
{
    struct MHD_OptionItem options[10];
    int count = 0;
    options[count++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, (intptr_t)listen_fd, NULL };
    options[count++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, completed_context };
    options[count++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit, NULL };
    options[count++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)connection_timeout_seconds, NULL };
    options[count++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)connection_memory_limit, NULL };
    if (tls_key_pem != NULL)
        options[count++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)tls_key_pem };
    if (tls_certificate_pem != NULL)
        options[count++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)tls_certificate_pem };
    if (tls_trust_pem != NULL)
        options[count++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)tls_trust_pem };
    options[count++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_context,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/*
 * Mutual TLS: with MHD_OPTION_HTTPS_MEM_TRUST libmicrohttpd asks for a client
 * certificate but leaves judging it to the application. 1 when the client
 * presented a certificate that verifies against the trusted CA, else 0.
 * (MHD_get_connection_info is variadic too.)
 */
static inline int jk_mhd_client_certificate_verified(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) return 0;
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    unsigned int presented = 0;
    if (gnutls_certificate_get_peers(session, &presented) == NULL || presented == 0) return 0;
    unsigned int status = 0;
    if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS) return 0;
    return status == 0;
}

/*
 * The enums libmicrohttpd declares closed or as flags import into Swift under
 * names that vary with the compiler; these plain values and wrappers keep the
 * Swift side on one spelling.
 */
static const enum MHD_Result JK_MHD_YES = MHD_YES;
static const enum MHD_Result JK_MHD_NO = MHD_NO;

static inline int jk_mhd_tls_supported(void) {
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

/* A request header by name (case-insensitive), or NULL. */
static inline const char *jk_mhd_header(struct MHD_Connection *connection, const char *name) {
    return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

/*
 * Writes `size` bytes straight to the client, through the connection's TLS
 * session when it has one. Only for an answer libmicrohttpd will not queue: a
 * response cannot be queued while the access handler is taking a piece of the
 * body, so a request still uploading at its deadline gets its 408 this way,
 * and the handler then returns MHD_NO so that libmicrohttpd closes the
 * connection (it shuts the socket down for writing first, so the bytes go out
 * ahead of the FIN). Nothing else is ever being written at that point: the
 * connection's previous answer went out before this request was read.
 * 1 when every byte was written.
 */
static inline int jk_mhd_write_final_answer(struct MHD_Connection *connection, const void *data, size_t size) {
    const union MHD_ConnectionInfo *tls = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (tls != NULL && tls->tls_session != NULL)
        return gnutls_record_send((gnutls_session_t)tls->tls_session, data, size) == (ssize_t)size;
    const union MHD_ConnectionInfo *socket = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (socket == NULL) return 0;
    return send(socket->connect_fd, data, size, MSG_NOSIGNAL) == (ssize_t)size;
}

/* A response owning a copy of `size` bytes at `data`. */
static inline struct MHD_Response *jk_mhd_response_copy(size_t size, const void *data) {
    return MHD_create_response_from_buffer(size, (void *)data, MHD_RESPMEM_MUST_COPY);
}

/* The flags as plain integers: Swift imports the C enum as a struct. */
static const unsigned int JK_MHD_FLAGS_BASE =
    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
static const unsigned int JK_MHD_FLAG_TLS = MHD_USE_TLS;

#endif
