/* gleaner-fetcher.c: one fetch worker's HTTP client (libsoup 3, synchronous API)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "gleaner-error.h"
#include "gleaner-result-private.h"
#include "gleaner-sync-private.h"
#include "gleaner-title-parser.h"
#include "gleaner-fetcher.h"

/* First read and growth step of a body buffer. Small pages (the common case)
 * fit in one read; big ones grow by doubling up to the cap. */
#define READ_CHUNK        (16 * 1024)
/* A body we stop reading early is drained instead of closed when this little
 * is left, so the keep-alive connection survives (closing early drops it). */
#define DRAIN_LIMIT       (32 * 1024)
/* Retry backoff: 0.5 s, 1 s, 2 s, ... with jitter, never past the deadline. */
#define BACKOFF_BASE_MS   500

/* libsoup's own message (looked up in libsoup's catalogue, not ours). */
static const char libsoup_header_too_big[] = "Header too big";

#define ACCEPT_HEADER "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

/* Each fetch thread owns one GleanerFetcher: its own SoupSession, created in
 * that thread with a private thread-default GMainContext, so requests never
 * wait on another thread's connection slot (libsoup 3.2's slot wait ignores
 * GCancellable) and no wake-ups cross threads. Politeness (per-host caps) is
 * enforced by the pipeline across fetchers.
 *
 * Shared state: @lock guards @deadline, @deadline_hit and @stopped, and orders
 * g_cancellable_cancel() (watchdog / stop, any thread) against
 * g_cancellable_reset() (this thread, between URLs). Everything else belongs
 * to the fetch thread until the pipeline's reaper frees the fetcher, once that
 * thread is done with it (see gleaner-fetcher.h). */
struct _GleanerFetcher
{
  const GleanerConfig *config;          /* borrowed: the pipeline outlives us */
  GMainContext        *context;
  SoupSession         *session;
  GCancellable        *cancellable;
  GleanerTitleParser  *prefix_parser;   /* when a body has been read far enough; holds
                                         * no libxml2 state, so any thread may free it */

  GMutex               lock;
  gint64               deadline;
  gboolean             deadline_hit;
  gboolean             stopped;
};

typedef enum
{
  ATTEMPT_PAGE,       /* a body to parse */
  ATTEMPT_FINAL,      /* the result is complete (error or not HTML) */
  ATTEMPT_RETRY,      /* transient failure: may be tried again */
} AttemptOutcome;

void
gleaner_page_free (GleanerPage *page)
{
  if (page == NULL)
    return;

  g_clear_object (&page->result);
  g_free (page->body);
  g_free (page->content_type);
  g_clear_pointer (&page->facts, gleaner_page_facts_free);
  g_free (page);
}

GleanerFetcher *
gleaner_fetcher_new (const GleanerConfig *config)
{
  GleanerFetcher *self = g_new0 (GleanerFetcher, 1);
  guint timeout = (guint)MAX (1.0, config->timeout + 0.5);

  g_mutex_init (&self->lock);
  self->config = config;
  self->cancellable = g_cancellable_new ();
  self->prefix_parser = gleaner_title_parser_new ();

  /* libsoup binds a session to the thread-default context at construction;
   * give it one nobody else iterates. It is pushed around every use of the
   * session (gleaner_fetcher_fetch) and popped again, because GLib may hand
   * this thread to another pool after the run. */
  self->context = g_main_context_new ();
  g_main_context_push_thread_default (self->context);

  /* One request at a time per session: a handful of idle keep-alive
   * connections to recent hosts is all it needs; at the limit libsoup closes
   * an idle one instead of waiting. */
  self->session = soup_session_new_with_options ("max-conns", GLEANER_FETCHER_MAX_CONNS,
                                                 "max-conns-per-host", 2,
                                                 "timeout", timeout,
                                                 "idle-timeout", 60,
                                                 "user-agent", config->user_agent,
                                                 "accept-language", config->accept_language,
                                                 NULL);
  /* Gleaner never authenticates (passwords are stripped from URLs), and the
   * auth manager hooks four status handlers on every message and unhooks them
   * at the end: 6 % of the instructions of a small page. A 401 or 407 is
   * reported as it is, with or without it. */
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_AUTH_MANAGER);
  g_main_context_pop_thread_default (self->context);

  return self;
}

void
gleaner_fetcher_free (GleanerFetcher *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->session);
  /* Disposing a session schedules the closing of its connections on the
   * session's context, which nobody else iterates: run those sources now
   * (the fetch thread no longer owns the context). */
  if (g_main_context_acquire (self->context))
    {
      while (g_main_context_iteration (self->context, FALSE))
        ;
      g_main_context_release (self->context);
    }
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->prefix_parser, gleaner_title_parser_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_free (self);
}

void
gleaner_fetcher_check_deadline (GleanerFetcher *self,
                                gint64          now)
{
  gleaner_mutex_lock (&self->lock);
  if (self->deadline != 0 && now >= self->deadline && !self->deadline_hit)
    {
      self->deadline_hit = TRUE;
      g_cancellable_cancel (self->cancellable);
    }
  gleaner_mutex_unlock (&self->lock);
}

void
gleaner_fetcher_stop (GleanerFetcher *self)
{
  gleaner_mutex_lock (&self->lock);
  self->stopped = TRUE;
  g_cancellable_cancel (self->cancellable);
  gleaner_mutex_unlock (&self->lock);
}

static gboolean
fetcher_is_stopped (GleanerFetcher *self)
{
  gboolean stopped;

  gleaner_mutex_lock (&self->lock);
  stopped = self->stopped;
  gleaner_mutex_unlock (&self->lock);

  return stopped;
}

static void
fetcher_begin (GleanerFetcher *self,
               gint64          deadline)
{
  gleaner_mutex_lock (&self->lock);
  self->deadline = deadline;
  self->deadline_hit = FALSE;
  gleaner_mutex_unlock (&self->lock);
}

static void
fetcher_end (GleanerFetcher *self)
{
  gleaner_mutex_lock (&self->lock);
  self->deadline = 0;
  self->deadline_hit = FALSE;
  /* Nothing uses the cancellable between URLs, so resetting is safe here;
   * a stopped fetcher stays cancelled. */
  if (!self->stopped && g_cancellable_is_cancelled (self->cancellable))
    g_cancellable_reset (self->cancellable);
  gleaner_mutex_unlock (&self->lock);
}

/* Sleeps up to @ms, returning early (FALSE) if the URL or the run is cancelled. */
static gboolean
fetcher_sleep (GleanerFetcher *self,
               gint64          ms)
{
  GPollFD pfd;
  gboolean ok;

  if (ms <= 0)
    return !g_cancellable_is_cancelled (self->cancellable);
  if (!g_cancellable_make_pollfd (self->cancellable, &pfd))
    {
      g_usleep (ms * 1000);
      return !g_cancellable_is_cancelled (self->cancellable);
    }
  g_poll (&pfd, 1, (gint)MIN (ms, G_MAXINT));
  ok = !g_cancellable_is_cancelled (self->cancellable);
  g_cancellable_release_fd (self->cancellable);

  return ok;
}

static char *
describe_tls_flags (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup (_("The server’s certificate has expired"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup (_("The server’s certificate is not valid yet"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup (_("The server’s certificate was issued for another host"));
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_strdup (_("The server’s certificate is not signed by a trusted authority (self-signed?)"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup (_("The server’s certificate has been revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup (_("The server’s certificate uses insecure cryptography"));
  return NULL;
}

/* Turns a GError of libsoup/GIO into one of our kinds and a message a person
 * can act on. Returns whether the failure is worth another attempt. */
static gboolean
classify_error (GleanerFetcher *self,
                SoupMessage    *msg,
                const GError   *error,
                const char     *while_doing,
                GleanerResult  *result)
{
  g_autofree char *message = NULL;
  GleanerError kind = GLEANER_ERROR_NETWORK;
  gboolean transient = FALSE;
  gboolean deadline_hit;

  gleaner_mutex_lock (&self->lock);
  deadline_hit = self->deadline_hit;
  gleaner_mutex_unlock (&self->lock);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (deadline_hit)
        {
          kind = GLEANER_ERROR_TIMEOUT;
          message = g_strdup_printf (_("No complete answer within the deadline of %.0f s (%s)"),
                                     self->config->deadline, while_doing);
        }
      else
        {
          kind = GLEANER_ERROR_CANCELLED;
          message = g_strdup (_("The run was stopped"));
        }
    }
  else if (error->domain == G_RESOLVER_ERROR)
    {
      kind = GLEANER_ERROR_DNS;
      message = g_strdup_printf (_("Host name not found: %s"), error->message);
      transient = g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);
    }
  else if (error->domain == G_TLS_ERROR)
    {
      GTlsCertificateFlags flags = msg ? soup_message_get_tls_peer_certificate_errors (msg) : 0;
      g_autofree char *what = describe_tls_flags (flags);

      kind = GLEANER_ERROR_TLS;
      if (what != NULL)
        message = g_strdup_printf (_("%s; the page was not fetched (certificate errors can be "
                                     "ignored for one run, at your own risk)"), what);
      else
        message = g_strdup_printf (_("Secure connection failed: %s"), error->message);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      kind = GLEANER_ERROR_TIMEOUT;
      message = g_strdup_printf (_("The server sent nothing for %.0f s (%s)"),
                                 self->config->timeout, while_doing);
      transient = TRUE;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      kind = GLEANER_ERROR_CONNECTION;
      message = g_strdup (_("Connection refused: nothing is listening at this address"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) &&
           (g_str_equal (error->message, libsoup_header_too_big) ||
            g_str_equal (error->message, dgettext ("libsoup-3.0", libsoup_header_too_big))))
    {
      /* libsoup reports an oversized response head as partial input; it is
       * the server's fault and will not get better on a second try. */
      kind = GLEANER_ERROR_PROTOCOL;
      message = g_strdup (_("The server’s response headers are too big (more than 64 KiB)"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    {
      kind = GLEANER_ERROR_CONNECTION;
      message = g_strdup_printf (_("The connection was closed or reset by the server (%s): %s"),
                                 while_doing, error->message);
      transient = TRUE;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    {
      kind = GLEANER_ERROR_CONNECTION;
      message = g_strdup_printf (_("Host unreachable: %s"), error->message);
    }
  else if (error->domain == SOUP_SESSION_ERROR)
    {
      kind = GLEANER_ERROR_PROTOCOL;
      message = g_strdup_printf (_("The server’s answer is not valid HTTP: %s"), error->message);
    }
  else if (error->domain == G_IO_ERROR && strstr (error->message, "reset") != NULL)
    {
      /* Older GLib reports ECONNRESET as a generic G_IO_ERROR_FAILED. */
      kind = GLEANER_ERROR_CONNECTION;
      message = g_strdup_printf (_("The connection was reset by the server (%s)"), while_doing);
      transient = TRUE;
    }
  else
    {
      message = g_strdup_printf (_("Network error (%s): %s"), while_doing, error->message);
    }

  _gleaner_result_set_error (result, kind, message);

  return transient && kind != GLEANER_ERROR_CANCELLED;
}

/* Parses Retry-After (delta-seconds or an HTTP date) into seconds from now. */
static double
parse_retry_after (const char *value)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  char *end = NULL;
  guint64 secs;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_isdigit (*value))
    {
      secs = g_ascii_strtoull (value, &end, 10);
      return secs > 86400 ? 86400.0 : (double)secs;
    }
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;
  now = g_date_time_new_now_utc ();

  return MAX (0.0, g_date_time_difference (when, now) / (double)G_USEC_PER_SEC);
}

/* Reads and throws away what little is left of a body so the connection can
 * be reused; gives up (closing it) when more than DRAIN_LIMIT remains. */
static void
drain_and_close (GleanerFetcher *self,
                 GInputStream   *stream)
{
  char buf[4096];
  gsize drained = 0;

  while (drained < DRAIN_LIMIT)
    {
      gssize n = g_input_stream_read (stream, buf, sizeof buf, self->cancellable, NULL);

      if (n <= 0)
        break;
      drained += n;
    }
  g_input_stream_close (stream, NULL, NULL);
}

static gboolean
is_redirect (guint status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static gboolean
read_body (GleanerFetcher  *self,
           SoupMessage     *msg,
           GInputStream    *stream,
           const char      *content_type,
           GleanerPage     *page,
           GError         **error)
{
  const gsize cap = self->config->max_body;
  gsize alloc = MIN (READ_CHUNK, cap + 1);
  gsize next_check = 0;
  gboolean enough = FALSE;
  gboolean truncated = FALSE;
  goffset content_length;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  /* What the parser thread would resolve the canonical link against. */
  const char *base_url = gleaner_result_get_final_url (page->result);

  page->body = g_malloc (alloc);
  page->len = 0;

  for (;;)
    {
      gssize n;

      if (page->len == alloc)
        {
          if (alloc > cap)
            {
              /* One byte past the cap was read: the body is larger than we accept. */
              page->len = cap;
              truncated = TRUE;
              break;
            }
          alloc = MIN (alloc * 2, cap + 1);
          page->body = g_realloc (page->body, alloc);
        }

      n = g_input_stream_read (stream, page->body + page->len, alloc - page->len,
                               self->cancellable, error);
      if (n < 0)
        {
          /* Keep what we have if it already answers the question. */
          if (page->len > 0 &&
              gleaner_title_parser_check_prefix (self->prefix_parser, page->body, page->len,
                                                 content_type, base_url, self->config->fields,
                                                 &page->facts))
            {
              g_clear_error (error);
              enough = TRUE;
              break;
            }
          g_input_stream_close (stream, NULL, NULL);
          return FALSE;
        }
      if (n == 0)
        break;
      page->len += n;

      /* Re-scan the prefix after every read while it is small, then only at
       * each doubling, so a huge page without a title costs O(n), not O(n²). */
      if (page->len >= next_check)
        {
          if (gleaner_title_parser_check_prefix (self->prefix_parser, page->body, page->len,
                                                 content_type, base_url, self->config->fields,
                                                 &page->facts))
            {
              enough = TRUE;
              break;
            }
          next_check = page->len < 64 * 1024 ? 0 : page->len * 2;
        }
    }

  if (enough || truncated)
    {
      content_length = soup_message_headers_get_content_length (headers);
      if (enough && soup_message_headers_get_one (headers, "Content-Encoding") == NULL &&
          content_length > 0 && content_length - (goffset)page->len <= DRAIN_LIMIT)
        drain_and_close (self, stream);
      else
        g_input_stream_close (stream, NULL, NULL);
    }
  else
    {
      g_input_stream_close (stream, NULL, NULL);
    }

  _gleaner_result_set_body (page->result, page->len, truncated);

  return TRUE;
}

static void
set_http_error (GleanerResult *result,
                GleanerError   kind,
                guint          status,
                const char    *reason,
                const char    *extra)
{
  g_autofree char *message = NULL;

  if (extra != NULL)
    message = g_strdup_printf ("HTTP %u %s: %s", status, reason ? reason : "", extra);
  else
    message = g_strdup_printf ("HTTP %u %s", status, reason ? reason : "");
  _gleaner_result_set_error (result, kind, g_strstrip (message));
}

static gboolean
accept_any_certificate_cb (SoupMessage          *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

/* One attempt: requests @start_uri, follows redirects, reads the body.
 * @retry_delay_ms is set for ATTEMPT_RETRY (the server's wish or -1). */
static AttemptOutcome
fetch_attempt (GleanerFetcher  *self,
               GleanerResult   *result,
               GUri            *start_uri,
               gint64           started,
               GleanerPage    **page_out,
               gint64          *retry_delay_ms)
{
  g_autoptr(GUri) uri = g_uri_ref (start_uri);
  g_autoptr(GHashTable) visited = NULL;
  guint redirects = 0;

  *retry_delay_ms = -1;

  for (;;)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(GError) error = NULL;
      /* Never a password in what is shown: results, messages, exports. */
      g_autofree char *uri_string = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO);
      SoupMessageHeaders *headers;
      const char *content_type;
      guint status;

      /* Not SOUP_METHOD_GET: libsoup's macro checks its cache variable with
       * an atomic load but then reads it plainly, racing with another fetch
       * thread's first (atomic) store. libsoup interns the method anyway. */
      msg = soup_message_new_from_uri ("GET", uri);
      soup_message_set_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", ACCEPT_HEADER);
      if (self->config->ignore_tls_errors)
        g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);

      stream = soup_session_send (self->session, msg, self->cancellable, &error);
      if (stream == NULL)
        {
          _gleaner_result_set_final_url (result, uri_string, redirects);
          return classify_error (self, msg, error, _("connecting"), result)
                 ? ATTEMPT_RETRY : ATTEMPT_FINAL;
        }

      status = soup_message_get_status (msg);
      headers = soup_message_get_response_headers (msg);
      _gleaner_result_set_final_url (result, uri_string, redirects);
      _gleaner_result_set_status (result, status, soup_message_get_reason_phrase (msg));

      if (is_redirect (status))
        {
          const char *location = soup_message_headers_get_one (headers, "Location");
          g_autoptr(GUri) next = NULL;
          const char *scheme;

          drain_and_close (self, stream);

          if (location == NULL)
            {
              set_http_error (result, GLEANER_ERROR_REDIRECT, status,
                              soup_message_get_reason_phrase (msg),
                              _("redirect without a Location header"));
              return ATTEMPT_FINAL;
            }
          next = g_uri_parse_relative (uri, location, SOUP_HTTP_URI_FLAGS, NULL);
          scheme = next ? g_uri_get_scheme (next) : NULL;
          if (next == NULL || scheme == NULL)
            {
              g_autofree char *msg_text = g_strdup_printf (_("Redirected to an invalid URL “%s”"),
                                                           location);
              _gleaner_result_set_error (result, GLEANER_ERROR_REDIRECT, msg_text);
              return ATTEMPT_FINAL;
            }
          if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
            {
              g_autofree char *msg_text =
                g_strdup_printf (_("Redirected to a “%s:” URL, which Gleaner never follows"), scheme);
              _gleaner_result_set_error (result, GLEANER_ERROR_REDIRECT, msg_text);
              return ATTEMPT_FINAL;
            }
          if (g_uri_get_host (next) == NULL || *g_uri_get_host (next) == '\0')
            {
              _gleaner_result_set_error (result, GLEANER_ERROR_REDIRECT,
                                         _("Redirected to a URL without a host"));
              return ATTEMPT_FINAL;
            }
          if (visited == NULL)
            visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_add (visited, g_strdup (uri_string));
          {
            g_autofree char *next_string = g_uri_to_string_partial (next, G_URI_HIDE_USERINFO);

            if (g_hash_table_contains (visited, next_string))
              {
                g_autofree char *msg_text =
                  g_strdup_printf (_("Redirect loop after %u redirects (back to %s)"),
                                   redirects + 1, next_string);
                _gleaner_result_set_final_url (result, next_string, redirects + 1);
                _gleaner_result_set_error (result, GLEANER_ERROR_REDIRECT, msg_text);
                return ATTEMPT_FINAL;
              }
            if (redirects + 1 > self->config->max_redirects)
              {
                g_autofree char *msg_text =
                  g_strdup_printf (_("More than %u redirects"), self->config->max_redirects);
                _gleaner_result_set_final_url (result, next_string, redirects + 1);
                _gleaner_result_set_error (result, GLEANER_ERROR_REDIRECT, msg_text);
                return ATTEMPT_FINAL;
              }
          }
          redirects++;
          g_clear_pointer (&uri, g_uri_unref);
          uri = g_steal_pointer (&next);
          continue;
        }

      content_type = soup_message_headers_get_one (headers, "Content-Type");
      _gleaner_result_set_content_type (result, content_type);

      if (status == 429 ||
          (status == 503 && soup_message_headers_get_one (headers, "Retry-After") != NULL))
        {
          double wait = parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"));

          drain_and_close (self, stream);
          if (wait > self->config->max_retry_after)
            {
              g_autofree char *extra =
                g_strdup_printf (_("rate limited; the server asks to wait %.0f s, more than the "
                                   "%.0f s Gleaner waits"), wait, self->config->max_retry_after);
              set_http_error (result, GLEANER_ERROR_RATE_LIMITED, status,
                              soup_message_get_reason_phrase (msg), extra);
              return ATTEMPT_FINAL;
            }
          set_http_error (result, GLEANER_ERROR_RATE_LIMITED, status,
                          soup_message_get_reason_phrase (msg), _("rate limited"));
          *retry_delay_ms = wait < 0 ? -1 : (gint64)(wait * 1000);
          return ATTEMPT_RETRY;
        }

      if (status >= 400 || status < 200 || status >= 300)
        {
          drain_and_close (self, stream);
          set_http_error (result, GLEANER_ERROR_HTTP_STATUS, status,
                          soup_message_get_reason_phrase (msg), NULL);
          return (status == 502 || status == 503 || status == 504) ? ATTEMPT_RETRY : ATTEMPT_FINAL;
        }

      if (gleaner_title_parser_classify (content_type) == GLEANER_CONTENT_OTHER)
        {
          g_autofree char *msg_text = NULL;
          g_autofree char *mime = g_strdup (content_type);

          /* Not reading a body we will not use; dropping the connection is cheaper
           * than downloading a PDF. */
          g_input_stream_close (stream, NULL, NULL);
          if (strchr (mime, ';') != NULL)
            *strchr (mime, ';') = '\0';
          msg_text = g_strdup_printf (_("Not an HTML page (%s)"), g_strstrip (mime));
          _gleaner_result_set_error (result, GLEANER_ERROR_NOT_HTML, msg_text);
          return ATTEMPT_FINAL;
        }

      {
        GleanerPage *page = g_new0 (GleanerPage, 1);

        page->result = g_object_ref (result);
        page->content_type = g_strdup (content_type);
        page->started = started;
        if (!read_body (self, msg, stream, content_type, page, &error))
          {
            gleaner_page_free (page);
            return classify_error (self, msg, error, _("reading the page"), result)
                   ? ATTEMPT_RETRY : ATTEMPT_FINAL;
          }
        _gleaner_result_set_error (result, GLEANER_ERROR_NONE, NULL);
        *page_out = page;
        return ATTEMPT_PAGE;
      }
    }
}

GleanerPage *
gleaner_fetcher_fetch (GleanerFetcher *self,
                       GleanerResult  *result,
                       GUri           *uri)
{
  const GleanerConfig *config = self->config;
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + (gint64)(config->deadline * G_USEC_PER_SEC);
  GleanerPage *page = NULL;
  guint attempt;

  fetcher_begin (self, deadline);
  g_main_context_push_thread_default (self->context);

  for (attempt = 1; ; attempt++)
    {
      gint64 retry_delay_ms = -1;
      gint64 backoff_ms;
      gint64 remaining_ms;
      AttemptOutcome outcome;

      if (fetcher_is_stopped (self))
        {
          _gleaner_result_set_error (result, GLEANER_ERROR_CANCELLED, _("The run was stopped"));
          break;
        }

      outcome = fetch_attempt (self, result, uri, started, &page, &retry_delay_ms);
      if (outcome != ATTEMPT_RETRY || attempt > config->retries)
        break;

      /* Transient failure: wait (the server's Retry-After, or exponential backoff
       * with jitter) if the deadline leaves room, then try again. */
      backoff_ms = retry_delay_ms >= 0
                   ? retry_delay_ms
                   : BACKOFF_BASE_MS * (1 << MIN (attempt - 1, 6));
      if (retry_delay_ms < 0)
        backoff_ms += g_random_int_range (0, (gint)(backoff_ms / 4) + 1);
      remaining_ms = (deadline - g_get_monotonic_time ()) / 1000;
      if (backoff_ms >= remaining_ms - 100)
        break;
      g_debug ("retrying %s in %" G_GINT64_FORMAT " ms (attempt %u)",
               gleaner_result_get_url (result), backoff_ms, attempt + 1);
      if (!fetcher_sleep (self, backoff_ms))
        {
          g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "");
          classify_error (self, NULL, error, _("waiting to retry"), result);
          break;
        }
    }

  _gleaner_result_set_attempts (result, MIN (attempt, config->retries + 1));
  _gleaner_result_set_elapsed (result, (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);
  g_main_context_pop_thread_default (self->context);
  fetcher_end (self);

  return page;
}
