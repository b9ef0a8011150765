/* gleaner-test-utils.c: loopback servers and waiting helpers for Gleaner's tests
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

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
  char                   *base;
  guint                   port;
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

  self->server = soup_server_new ("server-header", "GleanerTest/1 ", NULL);
  if (self->setup != NULL)
    self->setup (self->server, self->user_data);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("test server cannot listen: %s", error->message);

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  self->port = g_uri_get_port (uris->data);
  self->base = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let pending sources (paused messages' timeouts) drop their references. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

GleanerTestServer *
gleaner_test_server_new (GleanerTestServerSetup setup,
                         gpointer               user_data)
{
  GleanerTestServer *self = g_new0 (GleanerTestServer, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->setup = setup;
  self->user_data = user_data;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("test-server", server_thread_func, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
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
  g_free (self->base);
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
  const guint8 *reply = g_bytes_get_data (self->reply, &len);
  char buf[4096];

  /* Read the request head (up to the blank line). */
  while (strstr (head->str, "\r\n\r\n") == NULL && head->len < 65536)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, self->cancellable, NULL);
      if (n <= 0)
        goto out;
      g_string_append_len (head, buf, n);
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
  g_bytes_unref (self->reply);
  g_mutex_clear (&self->lock);
  g_free (self);
}
