/* gleaner-cli.c: the headless Gleaner — URL lists in, one row per target out
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "gleaner-engine.h"

/* Input is read in blocks of this size, and only while the run needs more
 * targets: memory does not grow with the length of the input. */
#define INPUT_BLOCK       (64 * 1024)
/* The longest line kept whole; the rest of a longer line is skipped (the URL
 * list rejects what it got as too long). */
#define MAX_LINE          (1024 * 1024 + 1)
/* Progress is redrawn at most this often. */
#define PROGRESS_PERIOD_MS 250

typedef enum
{
  ORDER_COMPLETED,
  ORDER_INPUT,
} Order;

/* Everything below lives on the main thread: the engine delivers results here
 * in batches, and input is read asynchronously on the same loop. */
typedef struct
{
  /* options */
  GleanerConfig   *config;
  GleanerFormat    format;
  Order            order;
  char            *output_path;
  char           **inputs;
  gboolean         progress;
  gboolean         quiet;
  gboolean         keep_duplicates;

  GMainLoop       *loop;
  GleanerPipeline *pipeline;
  GleanerUrlList  *urls;

  /* input */
  guint            input_index;         /* next file of @inputs to open */
  const char      *input_name;          /* for messages; NULL for stdin */
  GInputStream    *input;
  GCancellable    *input_cancellable;
  GBytes          *block;               /* read but not yet split into lines */
  gsize            block_offset;
  GString         *partial_line;
  gboolean         skipping_long_line;
  gboolean         reading;
  gboolean         input_done;
  guint64          line_offset;         /* url-list lines before the current file */

  /* targets */
  guint64          next_id;
  GPtrArray       *pending_urls;        /* accepted, not yet added to the pipeline */
  guint            pending_index;
  guint64          high_water;

  /* output */
  GOutputStream   *out;
  GleanerWriter   *writer;
  GHashTable      *reorder;             /* id -> GleanerResult (input order) */
  guint64          next_to_write;
  guint64          n_written;
  gboolean         write_failed;

  /* outcome */
  guint64          n_by_kind[GLEANER_ERROR_N_KINDS];
  guint64          n_rejected_lines;
  gboolean         unreadable_input;
  gboolean         interrupted;
  gint64           started;
  gint64           last_progress;
  int              exit_status;
} Cli;

static void cli_pump (Cli *cli);

#ifdef __GLIBC__
/* Starting again costs about 5 ms, worth it from this much input on
 * (some 1,500 URLs, a run of a second or more). */
#define REEXEC_MIN_INPUT (64 * 1024)

/* Bytes of the inputs known in advance: regular files only (a pipe's length
 * is unknown, so it counts as nothing). */
static guint64
known_input_size (char **inputs)
{
  guint64 total = 0;

  for (guint i = 0; inputs[i] != NULL; i++)
    {
      GStatBuf st;
      int ok = g_str_equal (inputs[i], "-") ? fstat (STDIN_FILENO, &st) : g_stat (inputs[i], &st);

      if (ok == 0 && S_ISREG (st.st_mode))
        total += st.st_size;
    }
  return total;
}

/* glibc's malloc keeps a cache of freed blocks in each thread (tcache: up to
 * 7 blocks of each size up to 1 KiB). In the 64 fetch threads, the cached
 * blocks of more than 256 bytes (libsoup's 264-byte message object is one per
 * request) pin pages in every arena, and peak RSS kept growing with the URLs
 * done: +3.5 MB (+17 %) over a million URLs with --keep-duplicates; a limit
 * of 512 bytes still grows. Caching only blocks of up to 256 bytes keeps it
 * flat for the same CPU (callgrind: +0.3 % instructions; no cache at all:
 * +9 %). GLib
 * before 2.76 also caches per thread (GSlice magazines, 1 MB for our
 * threads); G_SLICE=always-malloc hands those blocks to malloc, as later GLib
 * always does. Both are read only from the environment at start-up, so a long
 * run starts itself again with them set, before any thread exists. Settings
 * the user made are left alone. */
static void
reexec_with_lean_allocators (char **argv,
                             char **inputs)
{
  const char *tunables = g_getenv ("GLIBC_TUNABLES");
  g_autofree char *saved = g_strdup (tunables);
  g_autofree char *value = NULL;
  gboolean set_slice = g_getenv ("G_SLICE") == NULL && glib_check_version (2, 76, 0) != NULL;

  if (tunables != NULL && strstr (tunables, "glibc.malloc.tcache") != NULL)
    return;
#ifdef HAVE_VALGRIND_VALGRIND_H
  /* There /proc/self/exe is valgrind's own program. */
  if (RUNNING_ON_VALGRIND)
    return;
#endif
  if (known_input_size (inputs) < REEXEC_MIN_INPUT)
    return;

  if (tunables != NULL && *tunables != '\0')
    value = g_strconcat (tunables, ":glibc.malloc.tcache_max=256", NULL);
  else
    value = g_strdup ("glibc.malloc.tcache_max=256");
  g_setenv ("GLIBC_TUNABLES", value, TRUE);
  if (set_slice)
    g_setenv ("G_SLICE", "always-malloc", TRUE);
  execv ("/proc/self/exe", argv);

  /* No /proc: run as we are, and do not hand the settings on. */
  if (saved != NULL)
    g_setenv ("GLIBC_TUNABLES", saved, TRUE);
  else
    g_unsetenv ("GLIBC_TUNABLES");
  if (set_slice)
    g_unsetenv ("G_SLICE");
}
#endif

static gboolean
parse_order (const char *option_name,
             const char *value,
             gpointer    data,
             GError    **error)
{
  Cli *cli = data;

  if (g_str_equal (value, "completed"))
    cli->order = ORDER_COMPLETED;
  else if (g_str_equal (value, "input"))
    cli->order = ORDER_INPUT;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--order must be “completed” or “input”, not “%s”"), value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_format (const char *option_name,
              const char *value,
              gpointer    data,
              GError    **error)
{
  Cli *cli = data;

  if (!gleaner_format_from_string (value, &cli->format))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unknown format “%s” (known: titles, tsv, csv, json, jsonl, markdown, html, org)"),
                   value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_fields (const char *option_name,
              const char *value,
              gpointer    data,
              GError    **error)
{
  Cli *cli = data;

  return gleaner_fields_parse (value, &cli->config->fields, error);
}

static gboolean
parse_size (const char *option_name,
            const char *value,
            gpointer    data,
            GError    **error)
{
  Cli *cli = data;
  char *end = NULL;
  guint64 n = g_ascii_strtoull (value, &end, 10);
  guint64 mult = 1;

  if (end == value)
    goto bad;
  if (*end == 'k' || *end == 'K')
    mult = 1024, end++;
  else if (*end == 'm' || *end == 'M')
    mult = 1024 * 1024, end++;
  else if (*end == 'g' || *end == 'G')
    mult = 1024 * 1024 * 1024, end++;
  if (*end == 'i' || *end == 'I')
    end++;
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end != '\0' || n == 0 || n > G_MAXSIZE / mult)
    goto bad;
  cli->config->max_body = n * mult;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("%s needs a size in bytes such as 8388608, 512K or 8M, not “%s”"),
               option_name, value);
  return FALSE;
}

/* ---- output ---------------------------------------------------------------- */

static void
cli_write_failed (Cli          *cli,
                  const GError *error)
{
  if (cli->write_failed)
    return;
  cli->write_failed = TRUE;
  /* A reader that went away (`| head`) is not worth a message. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    {
      /* A file writer's errors name the file already; a device's stream errors do not. */
      if (cli->out != NULL && cli->output_path != NULL && !g_str_equal (cli->output_path, "-"))
        g_printerr (_("gleaner-cli: cannot write “%s”: %s\n"), cli->output_path, error->message);
      else
        g_printerr (_("gleaner-cli: cannot write the output: %s\n"), error->message);
    }
  cli->exit_status = MAX (cli->exit_status, 2);
  if (cli->pipeline != NULL)
    gleaner_pipeline_cancel (cli->pipeline);
  g_main_loop_quit (cli->loop);
}

static void
cli_write_row (Cli           *cli,
               GleanerResult *result)
{
  g_autoptr(GError) error = NULL;

  cli->n_written++;
  if (cli->write_failed)
    return;
  if (!gleaner_writer_write (cli->writer, result, NULL, &error))
    cli_write_failed (cli, error);
}

static void
cli_flush_reorder (Cli      *cli,
                   gboolean  skip_gaps)
{
  while (g_hash_table_size (cli->reorder) > 0)
    {
      GleanerResult *result = g_hash_table_lookup (cli->reorder, &cli->next_to_write);

      if (result != NULL)
        {
          cli_write_row (cli, result);
          g_hash_table_remove (cli->reorder, &cli->next_to_write);
        }
      else if (!skip_gaps)
        break;
      cli->next_to_write++;
    }
}

/* ---- progress -------------------------------------------------------------- */

static void
cli_print_progress (Cli      *cli,
                    gboolean  final)
{
  gint64 now = g_get_monotonic_time ();
  double secs = (now - cli->started) / (double)G_USEC_PER_SEC;
  guint64 done = cli->pipeline ? gleaner_pipeline_get_n_done (cli->pipeline) : 0;
  guint64 added = cli->pipeline ? gleaner_pipeline_get_n_added (cli->pipeline) : 0;
  guint64 ok = cli->n_by_kind[GLEANER_ERROR_NONE];

  if (!cli->progress || cli->quiet)
    return;
  if (!final && now - cli->last_progress < PROGRESS_PERIOD_MS * 1000)
    return;
  cli->last_progress = now;

  g_printerr ("\r\033[K%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "%s  %s %" G_GUINT64_FORMAT
              "  %s %" G_GUINT64_FORMAT "  %.0f %s",
              done, added, cli->input_done ? "" : "+",
              _("ok"), ok, _("failed"), done - ok,
              secs > 0 ? done / secs : 0.0, _("pages/s"));
  if (final)
    g_printerr ("\n");
}

static void
cli_print_summary (Cli *cli)
{
  double secs = (g_get_monotonic_time () - cli->started) / (double)G_USEC_PER_SEC;
  guint64 total = 0;
  g_autoptr(GString) kinds = g_string_new (NULL);

  if (cli->quiet)
    return;
  for (guint k = 0; k < GLEANER_ERROR_N_KINDS; k++)
    {
      total += cli->n_by_kind[k];
      if (k != GLEANER_ERROR_NONE && cli->n_by_kind[k] > 0)
        g_string_append_printf (kinds, "%s%s %" G_GUINT64_FORMAT,
                                kinds->len ? ", " : "", gleaner_error_kind_to_string (k),
                                cli->n_by_kind[k]);
    }
  if (cli->progress)
    cli_print_progress (cli, TRUE);

  {
    unsigned long long n_ok = cli->n_by_kind[GLEANER_ERROR_NONE];
    unsigned long long n_failed = total - n_ok;
    unsigned long long n_dup = gleaner_url_list_get_n_duplicates (cli->urls);
    unsigned long long n_rej = cli->n_rejected_lines;
    g_autofree char *urls = NULL, *ok = NULL, *failed = NULL, *dups = NULL, *rejected = NULL;

    /* Each count is its own plural message (languages differ in how many
     * forms they have and which numbers take which); the last message puts
     * them together. Plain %llu: xgettext cannot see through G_GUINT64_FORMAT. */
    /* Translators: the start of gleaner-cli's final summary */
    urls = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu URL in %.2f s (%.0f pages/s)",
                                         "%llu URLs in %.2f s (%.0f pages/s)", total),
                            (unsigned long long)total, secs, secs > 0 ? total / secs : 0.0);
    ok = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu ok", "%llu ok", n_ok), n_ok);
    /* Translators: URLs of the summary that failed */
    failed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu failed", "%llu failed", n_failed),
                              n_failed);
    dups = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu duplicate dropped",
                                         "%llu duplicates dropped", n_dup), n_dup);
    rejected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu line rejected",
                                             "%llu lines rejected", n_rej), n_rej);
    if (kinds->len > 0)
      {
        g_autofree char *with_kinds = NULL;

        /* Translators: "12 failed (timeout 3, http 9)": the error kinds are
         * the words of the TSV/CSV "error" column, not translated */
        with_kinds = g_strdup_printf (C_("cli summary", "%s (%s)"), failed, kinds->str);
        g_free (failed);
        failed = g_steal_pointer (&with_kinds);
      }
    g_printerr (cli->interrupted ?
                /* Translators: gleaner-cli's final summary, put together: "10 URLs in 1.20 s
                 * (8 pages/s): 9 ok, 1 failed (http 1); 0 duplicates dropped, 2 lines
                 * rejected — interrupted". Reorder with %1$s … %5$s if needed. */
                _("%s: %s, %s; %s, %s — interrupted\n") :
                /* Translators: as above, for a run that was not interrupted */
                _("%s: %s, %s; %s, %s\n"),
                urls, ok, failed, dups, rejected);
  }
}

/* ---- results --------------------------------------------------------------- */

static void
results_cb (GleanerPipeline *pipeline,
            GPtrArray       *results,
            Cli             *cli)
{
  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (results, i);

      cli->n_by_kind[gleaner_result_get_error_kind (result)]++;
      if (cli->order == ORDER_INPUT)
        {
          guint64 *key = g_new (guint64, 1);

          *key = gleaner_result_get_id (result);
          g_hash_table_insert (cli->reorder, key, g_object_ref (result));
        }
      else
        {
          cli_write_row (cli, result);
        }
    }
  if (cli->order == ORDER_INPUT)
    cli_flush_reorder (cli, FALSE);
  /* Rows reach a terminal or a pipe as each batch arrives, not 64 KiB later. */
  if (cli->out != NULL && !cli->write_failed)
    {
      g_autoptr(GError) error = NULL;

      if (!gleaner_writer_flush (cli->writer, NULL, &error))
        cli_write_failed (cli, error);
    }

  cli_print_progress (cli, FALSE);
  cli_pump (cli);
}

static void
finished_cb (GleanerPipeline *pipeline,
             Cli             *cli)
{
  g_main_loop_quit (cli->loop);
}

/* ---- input ----------------------------------------------------------------- */

static void
cli_report_rejections (Cli *cli)
{
  g_autoptr(GPtrArray) rejections = gleaner_url_list_take_rejections (cli->urls);

  for (guint i = 0; i < rejections->len; i++)
    {
      GleanerRejection *r = g_ptr_array_index (rejections, i);
      guint64 line = r->line - cli->line_offset;

      cli->n_rejected_lines++;
      if (cli->quiet)
        continue;
      if (cli->input_name != NULL)
        g_printerr ("%s:%" G_GUINT64_FORMAT ": %s: %s\n", cli->input_name, line, r->message,
                    r->text ? r->text : "");
      else
        g_printerr ("%" G_GUINT64_FORMAT ": %s: %s\n", line, r->message, r->text ? r->text : "");
    }
}

static void
cli_feed_line (Cli        *cli,
               const char *line,
               gsize       len)
{
  if (len > 0 && line[len - 1] == '\r')
    len--;
  gleaner_url_list_add_line (cli->urls, line, len);
}

/* Splits the current block into lines, a bounded number per call, so a huge
 * block is not turned into a huge list of URLs at once (lazy input). */
#define LINES_PER_SPLIT 1024

static void
cli_split_block (Cli *cli)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (cli->block, &size);
  guint lines = 0;

  while (cli->block_offset < size && lines < LINES_PER_SPLIT)
    {
      const char *start = data + cli->block_offset;
      const char *nl = memchr (start, '\n', size - cli->block_offset);
      gsize len = nl ? (gsize)(nl - start) : size - cli->block_offset;

      if (!cli->skipping_long_line)
        {
          gsize room = MAX_LINE - MIN (MAX_LINE, cli->partial_line->len);

          if (nl != NULL && cli->partial_line->len == 0 && len < MAX_LINE)
            {
              cli_feed_line (cli, start, len);
              cli->block_offset += len + 1;
              lines++;
              continue;
            }
          g_string_append_len (cli->partial_line, start, MIN (len, room));
          if (cli->partial_line->len >= MAX_LINE)
            cli->skipping_long_line = TRUE;
        }

      cli->block_offset += len + (nl ? 1 : 0);
      if (nl != NULL)
        {
          cli_feed_line (cli, cli->partial_line->str, cli->partial_line->len);
          g_string_truncate (cli->partial_line, 0);
          cli->skipping_long_line = FALSE;
          lines++;
        }
    }

  if (cli->block_offset >= size)
    g_clear_pointer (&cli->block, g_bytes_unref);
}

static void read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

static gboolean
cli_open_next_input (Cli *cli)
{
  while (cli->input_index < g_strv_length (cli->inputs))
    {
      const char *name = cli->inputs[cli->input_index++];
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) error = NULL;

      cli->line_offset = gleaner_url_list_get_n_lines (cli->urls);
      if (g_str_equal (name, "-"))
        {
          cli->input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
          cli->input_name = NULL;
          return TRUE;
        }
      file = g_file_new_for_commandline_arg (name);
      cli->input = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (cli->input == NULL)
        {
          g_printerr (_("gleaner-cli: cannot read “%s”: %s\n"), name, error->message);
          cli->unreadable_input = TRUE;
          continue;
        }
      cli->input_name = name;
      return TRUE;
    }
  return FALSE;
}

static void
cli_start_read (Cli *cli)
{
  if (cli->reading || cli->input_done)
    return;
  if (cli->input == NULL && !cli_open_next_input (cli))
    {
      cli->input_done = TRUE;
      return;
    }
  cli->reading = TRUE;
  g_input_stream_read_bytes_async (cli->input, INPUT_BLOCK, G_PRIORITY_DEFAULT,
                                   cli->input_cancellable, read_cb, cli);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  cli->reading = FALSE;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (error != NULL)
        {
          g_printerr (_("gleaner-cli: cannot read “%s”: %s\n"),
                      cli->input_name ? cli->input_name : _("standard input"), error->message);
          cli->unreadable_input = TRUE;
        }
      /* End of this input: its last line may lack a newline. */
      if (cli->partial_line->len > 0 || cli->skipping_long_line)
        cli_feed_line (cli, cli->partial_line->str, cli->partial_line->len);
      g_string_truncate (cli->partial_line, 0);
      cli->skipping_long_line = FALSE;
      cli_report_rejections (cli);
      g_clear_object (&cli->input);
    }
  else
    {
      cli->block = g_steal_pointer (&bytes);
      cli->block_offset = 0;
    }

  cli_pump (cli);
}

/* Keeps the pipeline fed: adds waiting URLs up to the high-water mark, splits
 * more input when they run out, reads more input when that runs out, and
 * closes the pipeline when everything has been added. */
static void
cli_pump (Cli *cli)
{
  if (cli->pipeline == NULL || gleaner_pipeline_get_cancelled (cli->pipeline) || cli->write_failed)
    return;

  for (;;)
    {
      /* Outstanding = added but not yet written, which bounds the reorder buffer
       * for --order=input as well as the pipeline's queues. */
      guint64 outstanding = gleaner_pipeline_get_n_added (cli->pipeline) - cli->n_written;

      if (outstanding >= cli->high_water)
        return;

      if (cli->pending_index < cli->pending_urls->len)
        {
          const char *url = g_ptr_array_index (cli->pending_urls, cli->pending_index++);

          gleaner_pipeline_add (cli->pipeline, cli->next_id++, url);
          continue;
        }
      g_ptr_array_set_size (cli->pending_urls, 0);
      cli->pending_index = 0;

      if (cli->block != NULL)
        {
          g_autoptr(GPtrArray) urls = NULL;

          cli_split_block (cli);
          urls = gleaner_url_list_take_urls (cli->urls);
          g_ptr_array_extend_and_steal (cli->pending_urls, g_steal_pointer (&urls));
          cli_report_rejections (cli);
          continue;
        }

      if (!cli->input_done)
        {
          cli_start_read (cli);
          if (!cli->input_done)
            return;
          continue;
        }

      gleaner_pipeline_close (cli->pipeline);
      return;
    }
}

static gboolean
sigint_cb (gpointer data)
{
  Cli *cli = data;

  /* Stop fetching; keep (and write) everything that has arrived. */
  cli->interrupted = TRUE;
  if (cli->pipeline != NULL)
    gleaner_pipeline_cancel (cli->pipeline);
  g_main_loop_quit (cli->loop);

  return G_SOURCE_REMOVE;
}

/* ---- output files ---------------------------------------------------------- */

static gboolean
cli_open_output (Cli     *cli,
                 GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  GStatBuf st;

  if (cli->output_path == NULL || g_str_equal (cli->output_path, "-"))
    {
      cli->out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
      cli->writer = gleaner_writer_new (cli->format, cli->config->fields, cli->out);
      return TRUE;
    }

  file = g_file_new_for_commandline_arg (cli->output_path);
  path = g_file_get_path (file);

  /* A character device or a FIFO (/dev/null, /dev/stdout on a pipe, a named
   * pipe) has no earlier contents to keep safe, and renaming over it would
   * replace the node itself: write to it directly, as the shell's ">" does.
   * Opening a FIFO waits for a reader, as the shell's ">" does too. */
  if (path != NULL && g_stat (path, &st) == 0 && (S_ISCHR (st.st_mode) || S_ISFIFO (st.st_mode)))
    {
      int fd = g_open (path, O_WRONLY | O_NOCTTY | O_CLOEXEC, 0);

      if (fd < 0)
        {
          int errsv = errno;
          g_autofree char *name = g_file_get_parse_name (file);

          /* Translators: the first %s is a file name, the second the reason (from the system) */
          g_set_error (error, GLEANER_ERROR, GLEANER_ERROR_WRITE, _("Could not write “%s”: %s"),
                       name, g_strerror (errsv));
          return FALSE;
        }
      /* Swapped for a regular file since the stat: that one is replaced atomically below
       * (nothing was written to it, and without O_TRUNC it is unchanged). */
      if (fstat (fd, &st) == 0 && (S_ISCHR (st.st_mode) || S_ISFIFO (st.st_mode)))
        {
          cli->out = g_unix_output_stream_new (fd, TRUE);
          cli->writer = gleaner_writer_new (cli->format, cli->config->fields, cli->out);
          return TRUE;
        }
      close (fd);
    }

  /* Streams into a temporary file beside the target, renamed over it when
   * the run ends: an earlier file survives any failure. Anything else that is
   * not a regular file (a directory, a block device) is refused there. */
  cli->writer = gleaner_writer_new_for_file (cli->format, cli->config->fields, file, NULL, error);
  return cli->writer != NULL;
}

static gboolean
cli_close_output (Cli     *cli,
                  GError **error)
{
  gboolean ok = TRUE;

  if (cli->writer != NULL && !cli->write_failed)
    ok = gleaner_writer_finish (cli->writer, NULL, error);
  /* A device may report a write error only when it is closed. Standard output
   * is not ours to close: its stream leaves the descriptor open. */
  if (ok && cli->out != NULL && !cli->write_failed)
    ok = g_output_stream_close (cli->out, NULL, error);
  /* Freeing an unfinished file writer removes its temporary file. */
  g_clear_pointer (&cli->writer, gleaner_writer_free);
  g_clear_object (&cli->out);

  return ok;
}

/* ---- main ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  Cli cli_storage = { 0 };
  Cli *cli = &cli_storage;
  g_auto(GStrv) original_argv = g_strdupv (argv);
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  gboolean no_progress = FALSE;
  g_autoptr(GleanerConfig) config = gleaner_config_new ();
  g_autofree char *output_path = NULL;
  g_autofree char *user_agent = NULL;
  g_auto(GStrv) files = NULL;
  int jobs = GLEANER_DEFAULT_WORKERS;
  int parsers = 0;
  int per_host = GLEANER_DEFAULT_PER_HOST;
  int retries = GLEANER_DEFAULT_RETRIES;
  double timeout = GLEANER_DEFAULT_TIMEOUT;
  double deadline = GLEANER_DEFAULT_DEADLINE;
  gboolean insecure = FALSE;
  GOptionGroup *group;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* A closed pipe is an error to handle, not a reason to die. */
  signal (SIGPIPE, SIG_IGN);

  cli->config = config;
  cli->format = GLEANER_FORMAT_TSV;
  cli->order = ORDER_COMPLETED;
  cli->progress = isatty (STDERR_FILENO);

  {
    const GOptionEntry entries[] = {
      { "format", 'f', 0, G_OPTION_ARG_CALLBACK, parse_format,
        N_("Output format: titles, tsv (default), csv, json, jsonl, markdown, html, org"), N_("FORMAT") },
      { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
        N_("Write to FILE (replaced atomically at the end; a device or FIFO is written "
           "directly) instead of standard output"), N_("FILE") },
      { "fields", 0, 0, G_OPTION_ARG_CALLBACK, parse_fields,
        N_("Page facts to extract besides the title: description, og_title, og_site_name, "
           "canonical, lang, h1, or all"), N_("LIST") },
      { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
        N_("Fetch workers (default 32)"), "N" },
      { "parsers", 0, 0, G_OPTION_ARG_INT, &parsers,
        N_("Parser threads (default: one per core)"), "N" },
      { "per-host", 0, 0, G_OPTION_ARG_INT, &per_host,
        N_("Most requests in flight to one host (default 6)"), "N" },
      { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout,
        N_("Give up on a server silent for S seconds (default 15)"), "S" },
      { "deadline", 0, 0, G_OPTION_ARG_DOUBLE, &deadline,
        N_("Most seconds one URL may take, retries included (default 30)"), "S" },
      { "max-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_size,
        N_("Most body bytes read from one page (default 8M)"), N_("BYTES") },
      { "retries", 0, 0, G_OPTION_ARG_INT, &retries,
        N_("Extra attempts after a transient failure (default 1)"), "N" },
      { "user-agent", 0, 0, G_OPTION_ARG_STRING, &user_agent,
        N_("User-Agent header (default names Gleaner and its version)"), N_("STRING") },
      { "order", 0, 0, G_OPTION_ARG_CALLBACK, parse_order,
        N_("Row order: completed (default, as results arrive) or input"), N_("ORDER") },
      { "keep-duplicates", 0, 0, G_OPTION_ARG_NONE, &cli->keep_duplicates,
        N_("Fetch repeated URLs again instead of dropping them (constant memory)"), NULL },
      { "insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
        N_("Ignore TLS certificate errors for this run (unsafe)"), NULL },
      { "progress", 0, 0, G_OPTION_ARG_NONE, &cli->progress,
        N_("Show progress on standard error (default when it is a terminal)"), NULL },
      { "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress,
        N_("Do not show progress"), NULL },
      { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli->quiet,
        N_("Print nothing on standard error but fatal errors"), NULL },
      { "version", 0, 0, G_OPTION_ARG_NONE, &version,
        N_("Show the version and exit"), NULL },
      { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("[FILE…]") },
      { NULL }
    };

    context = g_option_context_new (_("[FILE…] — fetch the title of every URL in a list"));
    group = g_option_group_new ("gleaner", NULL, NULL, cli, NULL);
    g_option_group_add_entries (group, entries);
    g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
    g_option_context_set_main_group (context, group);
  }
  g_option_context_set_summary (context,
    _("Reads URLs from the FILEs (or standard input, or “-”): one per line, or anywhere in plain\n"
      "text, Markdown or HTML. Writes one row per URL. Rejected input lines are reported on\n"
      "standard error as “LINE: reason: text” (“FILE:LINE: …” for named files)."));
  g_option_context_set_description (context,
    _("Exit status: 0 when every URL succeeded, 1 when some failed or input lines were rejected,\n"
      "2 on usage errors, unreadable input or an output that cannot be written.\n\n"
      "Examples:\n"
      "  gleaner-cli urls.txt > titles.tsv\n"
      "  grep -o 'https://[^ ]*' notes.md | gleaner-cli -f markdown\n"
      "  gleaner-cli --order input -f csv -o links.csv links.txt\n"
      "  split -n l/4 huge.txt part. && parallel gleaner-cli -q -f jsonl ::: part.* > all.jsonl"));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("gleaner-cli: %s\n", error->message);
      g_printerr (_("Try “gleaner-cli --help”.\n"));
      return 2;
    }
  if (version)
    {
      g_print ("gleaner-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (jobs < 1 || jobs > 1024 || parsers < 0 || parsers > 256 || per_host < 1 || retries < 0 ||
      retries > 100 || timeout <= 0 || deadline <= 0)
    {
      g_printerr (_("gleaner-cli: --jobs must be 1–1024, --parsers 0–256, --per-host ≥ 1, "
                    "--retries 0–100, --timeout and --deadline > 0\n"));
      return 2;
    }
  cli->inputs = (files != NULL && files[0] != NULL) ? files : (char *[]) { (char *)"-", NULL };
#ifdef __GLIBC__
  reexec_with_lean_allocators (original_argv, cli->inputs);
#endif
  cli->output_path = output_path;
  if (no_progress || cli->quiet)
    cli->progress = FALSE;

  gleaner_engine_init ();

  cli->config->n_workers = jobs;
  cli->config->n_parsers = parsers;
  cli->config->per_host = per_host;
  cli->config->retries = retries;
  cli->config->timeout = timeout;
  cli->config->deadline = deadline;
  cli->config->ignore_tls_errors = insecure;
  if (user_agent != NULL)
    gleaner_config_set_user_agent (cli->config, user_agent);
  /* Shown even with --quiet: a security downgrade must never be silent. */
  if (insecure)
    g_printerr (_("gleaner-cli: warning: TLS certificate errors are ignored for this run\n"));

  /* Before anything is allocated that the early return would leave behind. */
  if (!cli_open_output (cli, &error))
    {
      g_printerr ("gleaner-cli: %s\n", error->message);
      return 2;
    }

  cli->loop = g_main_loop_new (NULL, FALSE);
  cli->urls = gleaner_url_list_new ();
  gleaner_url_list_set_keep_duplicates (cli->urls, cli->keep_duplicates);
  cli->partial_line = g_string_new (NULL);
  cli->pending_urls = g_ptr_array_new_with_free_func (g_free);
  cli->input_cancellable = g_cancellable_new ();
  cli->reorder = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  /* Enough targets queued to keep every worker busy through a slow host,
   * few enough that memory stays flat. */
  cli->high_water = MAX (256, (guint64)jobs * 8);

  cli->started = g_get_monotonic_time ();
  cli->pipeline = gleaner_pipeline_new (cli->config);
  g_signal_connect (cli->pipeline, "results", G_CALLBACK (results_cb), cli);
  g_signal_connect (cli->pipeline, "finished", G_CALLBACK (finished_cb), cli);
  g_unix_signal_add (SIGINT, sigint_cb, cli);
  g_unix_signal_add (SIGTERM, sigint_cb, cli);

  cli_pump (cli);
  g_main_loop_run (cli->loop);

  g_cancellable_cancel (cli->input_cancellable);
  if (cli->order == ORDER_INPUT)
    cli_flush_reorder (cli, TRUE);
  if (!cli_close_output (cli, &error))
    {
      g_printerr (_("gleaner-cli: cannot write “%s”: %s\n"),
                  cli->output_path != NULL && !g_str_equal (cli->output_path, "-")
                    ? cli->output_path : _("standard output"),
                  error->message);
      cli->exit_status = MAX (cli->exit_status, 2);
    }

  cli_report_rejections (cli);
  cli_print_summary (cli);

  if (cli->unreadable_input)
    cli->exit_status = MAX (cli->exit_status, 2);
  else if (cli->interrupted)
    cli->exit_status = MAX (cli->exit_status, 130);
  else if (cli->n_rejected_lines > 0 ||
           cli->n_written != cli->n_by_kind[GLEANER_ERROR_NONE])
    cli->exit_status = MAX (cli->exit_status, 1);

  g_clear_object (&cli->pipeline);
  gleaner_pipeline_wait_for_threads ();

  g_clear_object (&cli->input);
  g_clear_object (&cli->input_cancellable);
  g_clear_pointer (&cli->block, g_bytes_unref);
  g_clear_pointer (&cli->reorder, g_hash_table_unref);
  g_clear_pointer (&cli->pending_urls, g_ptr_array_unref);
  g_string_free (cli->partial_line, TRUE);
  g_clear_pointer (&cli->urls, gleaner_url_list_free);
  g_clear_pointer (&cli->loop, g_main_loop_unref);

  return cli->exit_status;
}
