/* gleaner-test-utils.c: loopback servers and waiting helpers for Gleaner's tests
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gleaner-sync-private.h"
#include "gleaner-test-utils.h"

/* The server, its context and thread belong to the server thread; the test
 * thread only reads base/port (written before the GCond hand-off) and asks
 * the thread to quit through the context. */
struct _GleanerTestServer
{
  GThread                *thread;
  GMainContext           *context;
  GMainLoop              *loop;
  SoupServer             *server;
  GleanerTestServerSetup  setup;
  gpointer                user_data;
  GTlsCertificate        *tls_certificate;    /* NULL: plain HTTP */
  guint                   n_hosts;            /* listening on 127.0.0.1 … 127.0.0.n_hosts */
  char                   *base;
  guint                   port;
  guint                  *host_ports;         /* n_hosts, [0] = port */
  GMutex                  lock;
  GCond                   cond;
  gboolean                ready;
};

static gpointer
server_thread_func (gpointer data)
{
  GleanerTestServer *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "GleanerTest/1 ",
                                  "tls-certificate", self->tls_certificate,
                                  NULL);
  if (self->setup != NULL)
    self->setup (self->server, self->user_data);
  if (!soup_server_listen_local (self->server, 0,
                                 SOUP_SERVER_LISTEN_IPV4_ONLY |
                                 (self->tls_certificate ? SOUP_SERVER_LISTEN_HTTPS : 0),
                                 &error))
    g_error ("test server cannot listen: %s", error->message);

  /* Every address of 127.0.0.0/8 is loopback; each is a host of its own to
   * the pipeline. Each gets a free port of its own, so none can be taken. */
  for (guint i = 1; i < self->n_hosts; i++)
    {
      g_autofree char *ip = g_strdup_printf ("127.0.0.%u", i + 1);
      g_autoptr(GSocketAddress) addr = g_inet_socket_address_new_from_string (ip, 0);

      if (!soup_server_listen (self->server, addr, 0, &error))
        g_error ("test server cannot listen on %s: %s", ip, error->message);
    }

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  self->host_ports = g_new0 (guint, self->n_hosts);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      const char *host = g_uri_get_host (l->data);
      guint last = 0;

      g_assert (g_str_has_prefix (host, "127.0.0."));
      last = (guint)g_ascii_strtoull (host + strlen ("127.0.0."), NULL, 10);
      g_assert (last >= 1 && last <= self->n_hosts);
      self->host_ports[last - 1] = g_uri_get_port (l->data);
    }
  self->port = self->host_ports[0];
  self->base = g_strdup_printf ("%s://127.0.0.1:%u", self->tls_certificate ? "https" : "http",
                                self->port);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  /* The GLib-lock wrappers tell ThreadSanitizer about the hand-off. */
  gleaner_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  gleaner_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let pending sources (paused messages' timeouts) drop their references. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static GleanerTestServer *
test_server_start (GleanerTestServerSetup  setup,
                   gpointer                user_data,
                   GTlsCertificate        *certificate,
                   guint                   n_hosts)
{
  GleanerTestServer *self = g_new0 (GleanerTestServer, 1);

  self->n_hosts = n_hosts;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->setup = setup;
  self->user_data = user_data;
  self->tls_certificate = certificate ? g_object_ref (certificate) : NULL;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("test-server", server_thread_func, self);

  gleaner_mutex_lock (&self->lock);
  while (!self->ready)
    gleaner_cond_wait (&self->cond, &self->lock);
  gleaner_mutex_unlock (&self->lock);

  return self;
}

GleanerTestServer *
gleaner_test_server_new (GleanerTestServerSetup setup,
                         gpointer               user_data)
{
  return test_server_start (setup, user_data, NULL, 1);
}

GleanerTestServer *
gleaner_test_server_new_hosts (GleanerTestServerSetup setup,
                               gpointer               user_data,
                               guint                  n_hosts)
{
  g_return_val_if_fail (n_hosts >= 1 && n_hosts <= 254, NULL);

  return test_server_start (setup, user_data, NULL, n_hosts);
}

GleanerTestServer *
gleaner_test_server_new_tls (GleanerTestServerSetup  setup,
                             gpointer                user_data,
                             GTlsCertificate        *certificate)
{
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  return test_server_start (setup, user_data, certificate, 1);
}

const char *
gleaner_test_server_get_base (GleanerTestServer *self)
{
  return self->base;
}

guint
gleaner_test_server_get_port (GleanerTestServer *self)
{
  return self->port;
}

GMainContext *
gleaner_test_server_get_context (GleanerTestServer *self)
{
  return self->context;
}

char *
gleaner_test_server_url (GleanerTestServer *self,
                         const char        *path)
{
  return g_strconcat (self->base, path, NULL);
}

char *
gleaner_test_server_host_url (GleanerTestServer *self,
                              guint              host,
                              const char        *path)
{
  g_return_val_if_fail (host < self->n_hosts, NULL);

  return g_strdup_printf ("http://127.0.0.%u:%u%s", host + 1, self->host_ports[host], path);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
gleaner_test_server_free (GleanerTestServer *self)
{
  if (self == NULL)
    return;

  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_clear_object (&self->tls_certificate);
  g_free (self->base);
  g_free (self->host_ports);
  g_free (self);
}

static gboolean
timeout_flag_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
gleaner_test_wait_for_flag (GMainContext   *context,
                            const gboolean *done,
                            guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  GSource *source;

  if (context == NULL)
    context = g_main_context_get_thread_default ();
  if (context == NULL)
    context = g_main_context_default ();

  source = g_timeout_source_new (timeout_ms);
  g_source_set_callback (source, timeout_flag_cb, &timed_out, NULL);
  g_source_attach (source, context);

  while (!*done && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (source);
  g_source_unref (source);

  return *done;
}

char *
gleaner_test_get_path (const char *first,
                       ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  va_list args;

  g_ptr_array_add (parts, (gpointer)(srcdir ? srcdir : "."));
  g_ptr_array_add (parts, (gpointer)first);
  va_start (args, first);
  for (const char *p = va_arg (args, const char *); p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer)p);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **)parts->pdata);
}

/* Raw server: one accept thread; each connection gets its own thread so a
 * dripping reply never blocks the next client. */
struct _GleanerRawServer
{
  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *thread;
  GSocketFamily    family;              /* IPV6: ::1; anything else: 127.0.0.1 */
  GleanerRawServerFunc func;            /* NULL: write @reply */
  gpointer         func_data;
  GBytes          *reply;
  gsize            chunk;
  guint            interval_ms;
  gboolean         hold_open;
  guint16          port;
  GMutex           lock;
  GPtrArray       *conn_threads;
};

typedef struct
{
  GleanerRawServer  *server;
  GSocketConnection *conn;
} RawConn;

static gpointer
raw_conn_func (gpointer data)
{
  RawConn *rc = data;
  GleanerRawServer *self = rc->server;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (rc->conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (rc->conn));
  GString *head = g_string_new (NULL);
  gsize len = 0;
  const guint8 *reply = self->reply ? g_bytes_get_data (self->reply, &len) : NULL;
  char buf[4096];

  /* Read the request head (up to the blank line). */
  while (strstr (head->str, "\r\n\r\n") == NULL && head->len < 65536)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, self->cancellable, NULL);
      if (n <= 0)
        goto out;
      g_string_append_len (head, buf, n);
    }

  if (self->func != NULL)
    {
      self->func (rc->conn, head->str, self->cancellable, self->func_data);
      goto out;
    }

  for (gsize off = 0; off < len;)
    {
      gsize n = self->chunk ? MIN (self->chunk, len - off) : len - off;

      if (!g_output_stream_write_all (out, reply + off, n, NULL, self->cancellable, NULL))
        goto out;
      off += n;
      if (self->interval_ms > 0 && off < len)
        {
          if (g_cancellable_is_cancelled (self->cancellable))
            goto out;
          g_usleep (self->interval_ms * 1000);
        }
    }

  if (self->hold_open)
    {
      /* Wait until the client goes away or the server is freed. */
      while (g_input_stream_read (in, buf, sizeof buf, self->cancellable, NULL) > 0)
        ;
    }

out:
  g_io_stream_close (G_IO_STREAM (rc->conn), NULL, NULL);
  g_object_unref (rc->conn);
  g_string_free (head, TRUE);
  g_free (rc);
  return NULL;
}

static gpointer
raw_accept_func (gpointer data)
{
  GleanerRawServer *self = data;

  for (;;)
    {
      GSocketConnection *conn;
      RawConn *rc;

      conn = g_socket_listener_accept (self->listener, NULL, self->cancellable, NULL);
      if (conn == NULL)
        break;
      rc = g_new0 (RawConn, 1);
      rc->server = self;
      rc->conn = conn;
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->conn_threads, g_thread_new ("raw-conn", raw_conn_func, rc));
      g_mutex_unlock (&self->lock);
    }

  return NULL;
}

GleanerRawServer *
gleaner_raw_server_new (const char *reply,
                        gsize       reply_len,
                        gsize       chunk,
                        guint       interval_ms,
                        gboolean    hold_open)
{
  GleanerRawServer *self = g_new0 (GleanerRawServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&self->lock);
  self->conn_threads = g_ptr_array_new ();
  self->reply = g_bytes_new (reply, reply_len);
  self->chunk = chunk;
  self->interval_ms = interval_ms;
  self->hold_open = hold_open;
  self->cancellable = g_cancellable_new ();
  self->listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (self->listener, addr, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    g_error ("raw server cannot listen: %s", error->message);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->thread = g_thread_new ("raw-accept", raw_accept_func, self);

  return self;
}

char *
gleaner_raw_server_url (GleanerRawServer *self,
                        const char       *path)
{
  if (self->family == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[::1]:%u%s", self->port, path);
  return g_strdup_printf ("http://127.0.0.1:%u%s", self->port, path);
}

void
gleaner_raw_server_free (GleanerRawServer *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_socket_listener_close (self->listener);
  g_thread_join (self->thread);
  for (guint i = 0; i < self->conn_threads->len; i++)
    g_thread_join (self->conn_threads->pdata[i]);
  g_ptr_array_unref (self->conn_threads);
  g_object_unref (self->listener);
  g_object_unref (self->cancellable);
  g_clear_pointer (&self->reply, g_bytes_unref);
  g_mutex_clear (&self->lock);
  g_free (self);
}

GleanerRawServer *
gleaner_raw_server_new_with_func (GSocketFamily          family,
                                  GleanerRawServerFunc   func,
                                  gpointer               user_data,
                                  GError               **error)
{
  GleanerRawServer *self = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();

  g_return_val_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  loopback = g_inet_address_new_loopback (family);
  addr = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_listener_add_address (listener, addr, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
    return NULL;

  self = g_new0 (GleanerRawServer, 1);
  g_mutex_init (&self->lock);
  self->conn_threads = g_ptr_array_new ();
  self->family = family;
  self->func = func;
  self->func_data = user_data;
  self->cancellable = g_cancellable_new ();
  self->listener = g_steal_pointer (&listener);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->thread = g_thread_new ("raw-accept", raw_accept_func, self);

  return self;
}

void
gleaner_raw_server_reset (GSocketConnection *conn)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  struct linger lg = { .l_onoff = 1, .l_linger = 0 };

  /* With a zero linger time, close() discards unsent data and sends RST. */
  if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
    g_warning ("SO_LINGER: %s", g_strerror (errno));
  g_socket_close (socket, NULL);
}

static gboolean
cli_timeout_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
cli_waited_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *)data = TRUE;
}

static char *
cli_temp_file (const char *contents,
               gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("gleaner-cli-run-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  if (!g_file_set_contents (path, contents ? contents : "", len, &error))
    g_error ("cannot write %s: %s", path, error->message);
  return path;
}

void
gleaner_test_run_cli (const char * const *args,
                      const char         *input,
                      gssize              input_len,
                      const char * const *env,
                      guint               timeout_ms,
                      GleanerCliRun      *run)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *in_path = NULL;
  g_autofree char *out_path = cli_temp_file (NULL, 0);
  g_autofree char *err_path = cli_temp_file (NULL, 0);
  const char *cli = g_getenv ("GLEANER_CLI");
  gboolean waited = FALSE;
  GSource *timeout;
  gint64 start;

  g_assert_nonnull (cli);
  memset (run, 0, sizeof *run);
  in_path = cli_temp_file (input, input == NULL ? 0 : input_len < 0 ? strlen (input) : (gsize)input_len);

  g_ptr_array_add (argv, (gpointer)cli);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');

      if (eq == NULL)
        {
          g_subprocess_launcher_unsetenv (launcher, env[i]);
        }
      else
        {
          g_autofree char *name = g_strndup (env[i], eq - env[i]);
          g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
        }
    }
  g_subprocess_launcher_set_stdin_file_path (launcher, in_path);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);

  g_main_context_push_thread_default (context);
  start = g_get_monotonic_time ();
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc, NULL, cli_waited_cb, &waited);
  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, cli_timeout_cb, &run->timed_out, NULL);
  g_source_attach (timeout, context);
  while (!waited && !run->timed_out)
    g_main_context_iteration (context, TRUE);
  if (!waited)
    {
      g_subprocess_force_exit (proc);
      while (!waited)
        g_main_context_iteration (context, TRUE);
    }
  run->elapsed = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_context_pop_thread_default (context);

  run->exited = !run->timed_out && g_subprocess_get_if_exited (proc);
  if (run->exited)
    run->status = g_subprocess_get_exit_status (proc);
  else if (g_subprocess_get_if_signaled (proc))
    run->term_signal = g_subprocess_get_term_sig (proc);

  if (!g_file_get_contents (out_path, &run->out, &run->out_len, &error) ||
      !g_file_get_contents (err_path, &run->err, &run->err_len, &error))
    g_error ("cannot read the output of gleaner-cli: %s", error->message);
  g_unlink (in_path);
  g_unlink (out_path);
  g_unlink (err_path);
}

void
gleaner_cli_run_clear (GleanerCliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

double
gleaner_test_time_scale (void)
{
  const char *value = g_getenv ("GLEANER_TIME_SCALE");
  double scale = value ? g_ascii_strtod (value, NULL) : 1.0;

  return scale >= 1.0 ? scale : 1.0;
}
