/* test-cli.c: gleaner-cli end to end, as a subprocess against a loopback server
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gleaner-engine.h"
#include "gleaner-test-utils.h"

static GleanerTestServer *server;

static void
serve_page_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  g_autofree char *body = g_strdup_printf ("<html><head><title>Title of %s</title></head></html>",
                                           strrchr (path, '/') + 1);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static gboolean
unpause_cb (gpointer data)
{
  serve_page_cb (NULL, data, "/slow/late", NULL, NULL);
  soup_server_message_unpause (data);
  return G_SOURCE_REMOVE;
}

static void
serve_slow_cb (SoupServer        *srv,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  GSource *source = g_timeout_source_new (400);

  soup_server_message_pause (msg);
  g_source_set_callback (source, unpause_cb, g_object_ref (msg), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static void
serve_missing_cb (SoupServer        *srv,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  soup_server_message_set_status (msg, 404, NULL);
}

static void
server_setup (SoupServer *srv,
              gpointer    user_data)
{
  soup_server_add_handler (srv, "/page", serve_page_cb, NULL, NULL);
  soup_server_add_handler (srv, "/slow", serve_slow_cb, NULL, NULL);
  soup_server_add_handler (srv, "/missing", serve_missing_cb, NULL, NULL);
}

/* Runs gleaner-cli with @args, feeding @input on stdin; returns the exit status. */
static int
run_cli (const char * const *args,
         const char         *input,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("GLEANER_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer)cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));

  return g_subprocess_get_exit_status (proc);
}

static char *
url (const char *path)
{
  return gleaner_test_server_url (server, path);
}

static char **
lines_of (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  gsize len = strlen (copy);

  if (len > 0 && copy[len - 1] == '\n')
    copy[len - 1] = '\0';
  return g_strsplit (copy, "\n", -1);
}

static void
test_cli_tsv_stdin (void)
{
  g_autofree char *a = url ("/page/a");
  g_autofree char *b = url ("/page/b");
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", a, b);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  const char *args[] = { "--no-progress", NULL };
  guint seen = 0;

  g_assert_cmpint (run_cli (args, input, &out, &err), ==, 0);
  lines = lines_of (out);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  header = g_strsplit (lines[0], "\t", -1);
  g_assert_cmpstr (header[0], ==, "url");
  g_assert_true (g_strv_contains ((const char * const *)header, "title"));
  for (guint i = 1; i < 3; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], "\t", -1);
      guint title_col = 0;

      while (!g_str_equal (header[title_col], "title"))
        title_col++;
      if (g_str_equal (cells[0], a))
        {
          g_assert_cmpstr (cells[title_col], ==, "Title of a");
          seen |= 1;
        }
      else
        {
          g_assert_cmpstr (cells[0], ==, b);
          g_assert_cmpstr (cells[title_col], ==, "Title of b");
          seen |= 2;
        }
    }
  g_assert_cmpuint (seen, ==, 3);
  /* The summary goes to stderr, never into the rows. */
  g_assert_nonnull (strstr (err, "2 ok"));
}

static void
test_cli_jsonl (void)
{
  g_autofree char *a = url ("/page/json");
  g_autofree char *m = url ("/missing/x");
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", a, m);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "-q", "--format", "jsonl", NULL };
  guint ok = 0, failed = 0;

  /* One failed URL: exit status 1. */
  g_assert_cmpint (run_cli (args, input, &out, &err), ==, 1);
  g_assert_cmpstr (err, ==, "");
  lines = lines_of (out);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *obj;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      obj = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (obj, "url"));
      g_assert_true (json_object_has_member (obj, "final_url"));
      g_assert_true (json_object_has_member (obj, "status"));
      g_assert_true (json_object_has_member (obj, "title"));
      g_assert_true (json_object_has_member (obj, "error"));
      if (g_str_equal (json_object_get_string_member (obj, "url"), a))
        {
          g_assert_cmpstr (json_object_get_string_member (obj, "title"), ==, "Title of json");
          g_assert_cmpint (json_object_get_int_member (obj, "status"), ==, 200);
          g_assert_true (json_object_get_null_member (obj, "error"));
          ok++;
        }
      else
        {
          g_assert_cmpint (json_object_get_int_member (obj, "status"), ==, 404);
          g_assert_nonnull (strstr (json_object_get_string_member (obj, "error"), "404"));
          failed++;
        }
    }
  g_assert_cmpuint (ok, ==, 1);
  g_assert_cmpuint (failed, ==, 1);
}

static void
test_cli_rejected_lines (void)
{
  g_autofree char *a = url ("/page/r");
  g_autofree char *input = g_strdup_printf ("%s\nnot a link at all\nftp://example.org/file\n\n", a);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;
  g_autofree char *file_err = NULL;
  g_autofree char *prefix = NULL;
  const char *args[] = { "--no-progress", "-f", "titles", NULL };
  int fd;

  g_assert_cmpint (run_cli (args, input, &out, &err), ==, 1);
  g_assert_cmpstr (out, ==, "Title of r\n");
  /* "LINE: reason: text" on stderr; the blank line is not rejected. */
  g_assert_true (g_str_has_prefix (err, "2: ") || strstr (err, "\n2: ") != NULL);
  g_assert_nonnull (strstr (err, "not a link at all"));
  g_assert_nonnull (strstr (err, "3: "));
  g_assert_nonnull (strstr (err, "ftp"));
  g_assert_null (strstr (err, "4: "));

  /* From a named file: FILE:LINE. */
  fd = g_file_open_tmp ("gleaner-cli-XXXXXX.txt", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (g_file_set_contents (path, input, -1, NULL));
  close (fd);
  {
    const char *fargs[] = { "--no-progress", "-f", "titles", path, NULL };
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (fargs, NULL, &out, &file_err), ==, 1);
  }
  prefix = g_strdup_printf ("%s:2: ", path);
  g_assert_nonnull (strstr (file_err, prefix));
  g_unlink (path);
}

static void
test_cli_exit_codes (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *bad_format[] = { "--format", "yaml", NULL };
  const char *bad_jobs[] = { "--jobs", "0", NULL };
  const char *missing[] = { "-q", "/nonexistent/dir/urls.txt", NULL };
  const char *help[] = { "--help", NULL };

  g_assert_cmpint (run_cli (bad_format, "", &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "yaml"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (bad_jobs, "", &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (missing, "", &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "/nonexistent/dir/urls.txt"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* --help documents every option. */
  g_assert_cmpint (run_cli (help, "", &out, &err), ==, 0);
  for (const char * const *opt = (const char *[]) { "--format", "--output", "--jobs", "--parsers",
                                                    "--per-host", "--timeout", "--deadline",
                                                    "--max-size", "--retries", "--user-agent",
                                                    "--order", "--progress", "--quiet", NULL };
       *opt != NULL; opt++)
    g_assert_nonnull (strstr (out, *opt));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* An empty list is not an error. */
  {
    const char *none[] = { "-q", NULL };
    g_assert_cmpint (run_cli (none, "", &out, &err), ==, 0);
    g_assert_cmpstr (out, ==, "url\tfinal_url\tstatus\ttitle\tredirects\tcontent_type\tencoding\t"
                              "encoding_source\tbytes\telapsed_ms\terror_kind\terror\n");
  }
}

static void
test_cli_input_order (void)
{
  g_autofree char *slow = url ("/slow/1");
  g_autofree char *input = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *args[] = { "-q", "--order", "input", "-f", "titles", NULL };

  /* The slow page comes first but finishes last; input order still puts it first. */
  g_string_append_printf (text, "%s\n", slow);
  for (guint i = 0; i < 20; i++)
    g_string_append_printf (text, "%s/page/p%02u\n", gleaner_test_server_get_base (server), i);
  input = g_string_free (g_steal_pointer (&text), FALSE);

  g_assert_cmpint (run_cli (args, input, &out, &err), ==, 0);
  lines = lines_of (out);
  g_assert_cmpuint (g_strv_length (lines), ==, 21);
  g_assert_cmpstr (lines[0], ==, "Title of late");
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *expect = g_strdup_printf ("Title of p%02u", i);
      g_assert_cmpstr (lines[i + 1], ==, expect);
    }
}


/* How many entries @dir holds: a safely replaced file leaves no temporary beside it. */
static guint
count_dir_entries (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (listing);
  while (g_dir_read_name (listing) != NULL)
    n++;
  return n;
}
static void
test_cli_output_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gleaner-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *a = url ("/page/file");
  g_autofree char *dup = g_strdup_printf ("%s\n%s\n", a, a);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  const char *args[] = { "--no-progress", "-f", "csv", "-o", path, NULL };

  g_assert_true (g_file_set_contents (path, "earlier\n", -1, NULL));
  g_assert_cmpint (run_cli (args, dup, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "url,"));
  g_assert_nonnull (strstr (contents, "Title of file"));
  /* The duplicate was dropped (one row) and counted. */
  g_assert_null (strstr (strstr (contents, "Title of file") + 1, "Title of file"));
  g_assert_nonnull (strstr (err, "1 duplicate dropped"));
  /* Singular forms: one URL was fetched, none failed. */
  g_assert_nonnull (strstr (err, "1 URL in "));
  g_assert_nonnull (strstr (err, ": 1 ok, 0 failed; "));
  /* No temporary file is left beside it. */
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_cli_output_device (void)
{
  g_autofree char *a = url ("/page/dev");
  g_autofree char *input = g_strdup_printf ("%s\n", a);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *to_null[] = { "--no-progress", "-o", "/dev/null", NULL };
  const char *to_full[] = { "-q", "-o", "/dev/full", NULL };
  GStatBuf st;

  g_test_summary ("-o with a character device writes to it directly: discarding the rows "
                  "succeeds, and a device that fails to take them is an output error "
                  "naming it");

  g_assert_cmpint (run_cli (to_null, input, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "1 ok, 0 failed"));
  /* Still the device, not a file renamed over it (as root that would succeed). */
  g_assert_cmpint (g_lstat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  if (g_stat ("/dev/full", &st) != 0 || !S_ISCHR (st.st_mode))
    {
      g_test_skip ("no /dev/full here");
      return;
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (to_full, input, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "/dev/full"));
}

static void
test_cli_output_fifo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gleaner-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rows", NULL);
  g_autofree char *a = url ("/page/fifo1");
  g_autofree char *b = url ("/page/fifo2");
  g_autofree char *input = g_strdup_printf ("%s\n%s\n", a, b);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  const char *args[] = { "-q", "--order", "input", "-f", "titles", "-o", path, NULL };
  GStatBuf st;
  int fd;

  g_test_summary ("-o with a FIFO writes the rows into it and leaves the FIFO in place");

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  /* Opened before the run, without blocking, so the CLI's open finds a reader
   * at once; the rows (far less than a pipe buffer) wait in the FIFO until read. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);

  g_assert_cmpint (run_cli (args, input, &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==, "");

  for (;;)
    {
      char buf[4096];
      gssize n = read (fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      /* The writer has exited: what it wrote is all here, then end of file. */
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_string_append_len (received, buf, n);
    }
  close (fd);

  lines = lines_of (received->str);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[0], ==, "Title of fifo1");
  g_assert_cmpstr (lines[1], ==, "Title of fifo2");

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpuint (count_dir_entries (dir), ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_cli_output_directory (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gleaner-cli-XXXXXX", NULL);
  g_autofree char *a = url ("/page/dir");
  g_autofree char *input = g_strdup_printf ("%s\n", a);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "-q", "-o", dir, NULL };

  g_test_summary ("-o with a directory is refused before any fetch, naming the directory");

  g_assert_cmpint (run_cli (args, input, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, dir));
  g_assert_cmpuint (count_dir_entries (dir), ==, 0);

  g_rmdir (dir);
}

static void
test_cli_filter (void)
{
  g_autofree char *input = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "-q", "-f", "markdown", NULL };
  g_autofree char *expect = NULL;

  /* Links found inside Markdown prose. */
  input = g_strdup_printf ("See [the page](%s/page/md) and <%s/page/md>.\n",
                           gleaner_test_server_get_base (server), gleaner_test_server_get_base (server));
  g_assert_cmpint (run_cli (args, input, &out, &err), ==, 0);
  expect = g_strdup_printf ("- [Title of md](%s/page/md)\n", gleaner_test_server_get_base (server));
  g_assert_cmpstr (out, ==, expect);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gleaner_engine_init ();
  server = gleaner_test_server_new (server_setup, NULL);

  g_test_add_func ("/gleaner/cli/tsv-stdin", test_cli_tsv_stdin);
  g_test_add_func ("/gleaner/cli/jsonl", test_cli_jsonl);
  g_test_add_func ("/gleaner/cli/rejected-lines", test_cli_rejected_lines);
  g_test_add_func ("/gleaner/cli/exit-codes", test_cli_exit_codes);
  g_test_add_func ("/gleaner/cli/input-order", test_cli_input_order);
  g_test_add_func ("/gleaner/cli/output-file", test_cli_output_file);
  g_test_add_func ("/gleaner/cli/output-device", test_cli_output_device);
  g_test_add_func ("/gleaner/cli/output-fifo", test_cli_output_fifo);
  g_test_add_func ("/gleaner/cli/output-directory", test_cli_output_directory);
  g_test_add_func ("/gleaner/cli/filter", test_cli_filter);

  ret = g_test_run ();
  gleaner_test_server_free (server);

  return ret;
}
