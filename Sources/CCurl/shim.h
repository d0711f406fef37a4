#ifndef JACKPOTD_CCURL_SHIM_H
#define JACKPOTD_CCURL_SHIM_H

#include <curl/curl.h>

/*
 * curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are variadic, which
 * Swift cannot call. These typed wrappers pass exactly one argument of the type
 * the option expects (long, curl_off_t, string, pointer, list, callback), so a
 * Swift caller cannot hand a long where curl reads a pointer.
 */

static inline CURLcode jk_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode jk_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode jk_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode jk_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode jk_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this signature. */
static inline CURLcode jk_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_PREREQFUNCTION: called each time a request is about to be sent, re-sends included. */
static inline CURLcode jk_easy_setopt_prereq_function(CURL *handle, curl_prereq_callback value) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, value);
}

static inline CURLMcode jk_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

static inline CURLcode jk_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* CURLMsg's `data` is a union; this reads its `result` member for a CURLMSG_DONE message. */
static inline CURLcode jk_msg_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
