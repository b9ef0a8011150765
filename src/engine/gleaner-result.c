/* gleaner-result.c: the result of one URL
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "gleaner-result-private.h"
#include "gleaner-sync-private.h"
#include "gleaner-title-parser.h"

/* A window holds 100,000 of these: what most rows share (reason phrase,
 * Content-Type, encoding name) is a shared GRefString (share_string()), and the facts a
 * run rarely asks for stay in a GleanerPageFacts only when there are any. */
struct _GleanerResult
{
  GObject                parent_instance;

  guint64                id;
  char                  *url;
  char                  *final_url;
  char                  *reason;          /* shared GRefString */
  char                  *content_type;    /* shared GRefString */
  char                  *error_message;
  char                  *title;           /* NULL without a title element */
  char                  *encoding;        /* shared GRefString */
  GleanerPageFacts      *facts;           /* description ... h1; NULL when none */
  guint64                body_bytes;
  double                 elapsed;
  guint                  status;
  guint                  redirect_count;
  guint                  attempts;
  GleanerError           error_kind;
  GleanerEncodingSource  encoding_source;
  gboolean               truncated;
};

G_DEFINE_FINAL_TYPE (GleanerResult, gleaner_result, G_TYPE_OBJECT)

/* A URL as it may be shown: valid UTF-8 and never with a password (the user
 * part of userinfo is dropped too: it identifies an account). */
static char *
displayable_url (const char *url)
{
  const char *authority, *at = NULL;
  gsize authority_len;

  if (url == NULL)
    return g_strdup ("");
  /* Cut "user:password@" out of the authority by hand, as the WHATWG URL
   * parser delimits it (the last '@' before the first '/', backslash, '?' or '#'):
   * a round trip through GUri would re-encode the URL, and g_uri_to_string*()
   * gives up (with a critical) on relaxed parses whose path lacks its '/'. */
  authority = url + strspn (url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789+-.");
  if (authority == url || strncmp (authority, "://", 3) != 0)
    return g_utf8_make_valid (url, -1);
  authority += 3;
  authority_len = strcspn (authority, "/\\?#");
  for (const char *p = authority; p < authority + authority_len; p++)
    if (*p == '@')
      at = p;
  if (at == NULL)
    return g_utf8_make_valid (url, -1);
  {
    g_autofree char *hidden = g_strdup_printf ("%.*s%s", (int)(authority - url), url, at + 1);

    return g_utf8_make_valid (hidden, -1);
  }
}

enum {
  PROP_0,
  PROP_ID,
  PROP_URL,
  PROP_FINAL_URL,
  PROP_DISPLAY_URL,
  PROP_REDIRECT_COUNT,
  PROP_STATUS,
  PROP_REASON,
  PROP_CONTENT_TYPE,
  PROP_ENCODING,
  PROP_ENCODING_SOURCE,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_OG_TITLE,
  PROP_OG_SITE_NAME,
  PROP_CANONICAL,
  PROP_LANG,
  PROP_H1,
  PROP_BODY_BYTES,
  PROP_ELAPSED,
  PROP_ATTEMPTS,
  PROP_ERROR_KIND,
  PROP_ERROR_MESSAGE,
  PROP_SUCCEEDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gleaner_result_finalize (GObject *object)
{
  GleanerResult *self = (GleanerResult *)object;

  /* The last reference may be dropped on another thread than the last reader
   * (the session store's writer releases results as it writes them, before
   * or after the owner): GObject's atomic reference count orders that, out of
   * ThreadSanitizer's sight. A thread that marks its release with
   * GLEANER_HAPPENS_BEFORE (result) is ordered before this. */
  GLEANER_HAPPENS_AFTER (self);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->final_url, g_free);
  g_clear_pointer (&self->reason, g_ref_string_release);
  g_clear_pointer (&self->content_type, g_ref_string_release);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->encoding, g_ref_string_release);
  g_clear_pointer (&self->facts, gleaner_page_facts_free);

  G_OBJECT_CLASS (gleaner_result_parent_class)->finalize (object);
}

static void
gleaner_result_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GleanerResult *self = GLEANER_RESULT (object);

  switch (prop_id)
    {
    case PROP_ID:              g_value_set_uint64 (value, self->id); break;
    case PROP_URL:             g_value_set_string (value, self->url); break;
    case PROP_FINAL_URL:       g_value_set_string (value, gleaner_result_get_final_url (self)); break;
    case PROP_DISPLAY_URL:     g_value_set_string (value, gleaner_result_get_display_url (self)); break;
    case PROP_REDIRECT_COUNT:  g_value_set_uint (value, self->redirect_count); break;
    case PROP_STATUS:          g_value_set_uint (value, self->status); break;
    case PROP_REASON:          g_value_set_string (value, self->reason); break;
    case PROP_CONTENT_TYPE:    g_value_set_string (value, self->content_type); break;
    case PROP_ENCODING:        g_value_set_string (value, gleaner_result_get_encoding (self)); break;
    case PROP_ENCODING_SOURCE: g_value_set_uint (value, gleaner_result_get_encoding_source (self)); break;
    case PROP_TITLE:           g_value_set_string (value, gleaner_result_get_title (self)); break;
    case PROP_DESCRIPTION:     g_value_set_string (value, gleaner_result_get_description (self)); break;
    case PROP_OG_TITLE:        g_value_set_string (value, gleaner_result_get_og_title (self)); break;
    case PROP_OG_SITE_NAME:    g_value_set_string (value, gleaner_result_get_og_site_name (self)); break;
    case PROP_CANONICAL:       g_value_set_string (value, gleaner_result_get_canonical (self)); break;
    case PROP_LANG:            g_value_set_string (value, gleaner_result_get_lang (self)); break;
    case PROP_H1:              g_value_set_string (value, gleaner_result_get_h1 (self)); break;
    case PROP_BODY_BYTES:      g_value_set_uint64 (value, self->body_bytes); break;
    case PROP_ELAPSED:         g_value_set_double (value, self->elapsed); break;
    case PROP_ATTEMPTS:        g_value_set_uint (value, self->attempts); break;
    case PROP_ERROR_KIND:      g_value_set_uint (value, self->error_kind); break;
    case PROP_ERROR_MESSAGE:   g_value_set_string (value, self->error_message); break;
    case PROP_SUCCEEDED:       g_value_set_boolean (value, gleaner_result_get_succeeded (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_result_class_init (GleanerResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = gleaner_result_finalize;
  object_class->get_property = gleaner_result_get_property;

  /* Read-only properties, so a UI can sort, filter and bind with GtkExpressions. */
  properties[PROP_ID] = g_param_spec_uint64 ("id", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  properties[PROP_FINAL_URL] = g_param_spec_string ("final-url", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_URL] = g_param_spec_string ("display-url", NULL, NULL, NULL, flags);
  properties[PROP_REDIRECT_COUNT] = g_param_spec_uint ("redirect-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_STATUS] = g_param_spec_uint ("status", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_TYPE] = g_param_spec_string ("content-type", NULL, NULL, NULL, flags);
  properties[PROP_ENCODING] = g_param_spec_string ("encoding", NULL, NULL, NULL, flags);
  properties[PROP_ENCODING_SOURCE] = g_param_spec_uint ("encoding-source", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_OG_TITLE] = g_param_spec_string ("og-title", NULL, NULL, NULL, flags);
  properties[PROP_OG_SITE_NAME] = g_param_spec_string ("og-site-name", NULL, NULL, NULL, flags);
  properties[PROP_CANONICAL] = g_param_spec_string ("canonical", NULL, NULL, NULL, flags);
  properties[PROP_LANG] = g_param_spec_string ("lang", NULL, NULL, NULL, flags);
  properties[PROP_H1] = g_param_spec_string ("h1", NULL, NULL, NULL, flags);
  properties[PROP_BODY_BYTES] = g_param_spec_uint64 ("body-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ELAPSED] = g_param_spec_double ("elapsed", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_ATTEMPTS] = g_param_spec_uint ("attempts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ERROR_KIND] = g_param_spec_uint ("error-kind", NULL, NULL, 0, GLEANER_ERROR_N_KINDS, 0, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_SUCCEEDED] = g_param_spec_boolean ("succeeded", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gleaner_result_init (GleanerResult *self)
{
}

/**
 * gleaner_result_new_for_url:
 * @id: the caller's id of the target
 * @url: the URL as given (valid UTF-8 is enforced)
 *
 * Returns: (transfer full): an empty result, owned by the calling thread until
 *   it hands it on
 */
GleanerResult *
gleaner_result_new_for_url (guint64     id,
                            const char *url)
{
  GleanerResult *self = g_object_new (GLEANER_TYPE_RESULT, NULL);

  self->id = id;
  self->url = displayable_url (url);

  return self;
}

guint64
gleaner_result_get_id (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), 0);
  return self->id;
}

const char *
gleaner_result_get_url (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);
  return self->url;
}

/**
 * gleaner_result_get_final_url:
 * @self: a result
 *
 * Returns: the URL after redirects (the input URL when there were none)
 */
const char *
gleaner_result_get_final_url (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);
  return self->final_url ? self->final_url : self->url;
}

/**
 * gleaner_result_get_display_url:
 * @self: a result
 *
 * Returns: the final URL when it differs from the input URL, else the input URL
 */
const char *
gleaner_result_get_display_url (GleanerResult *self)
{
  return gleaner_result_get_final_url (self);
}

guint
gleaner_result_get_redirect_count (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), 0);
  return self->redirect_count;
}

guint
gleaner_result_get_status (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), 0);
  return self->status;
}

const char *
gleaner_result_get_reason (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);
  return self->reason;
}

const char *
gleaner_result_get_content_type (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);
  return self->content_type;
}

const char *
gleaner_result_get_encoding (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);
  return self->encoding;
}

GleanerEncodingSource
gleaner_result_get_encoding_source (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), GLEANER_ENCODING_SOURCE_NONE);
  return self->encoding_source;
}

/**
 * gleaner_result_get_title:
 * @self: a result
 *
 * Returns: (nullable): the page title as a browser shows it, %NULL when the
 *   page was not parsed or has no title element
 */
const char *
gleaner_result_get_title (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);
  return self->title;
}

/**
 * gleaner_result_get_fact:
 * @self: a result
 * @field: exactly one field
 *
 * Returns: (nullable): the value of @field
 */
const char *
gleaner_result_get_fact (GleanerResult *self,
                         GleanerFields  field)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);

  if (field == GLEANER_FIELD_TITLE)
    return gleaner_result_get_title (self);
  if (self->facts == NULL)
    return NULL;

  switch ((guint)field)
    {
    case GLEANER_FIELD_DESCRIPTION:  return self->facts->description;
    case GLEANER_FIELD_OG_TITLE:     return self->facts->og_title;
    case GLEANER_FIELD_OG_SITE_NAME: return self->facts->og_site_name;
    case GLEANER_FIELD_CANONICAL:    return self->facts->canonical;
    case GLEANER_FIELD_LANG:         return self->facts->lang;
    case GLEANER_FIELD_H1:           return self->facts->h1;
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
gleaner_result_get_description (GleanerResult *self)
{
  return gleaner_result_get_fact (self, GLEANER_FIELD_DESCRIPTION);
}

const char *
gleaner_result_get_og_title (GleanerResult *self)
{
  return gleaner_result_get_fact (self, GLEANER_FIELD_OG_TITLE);
}

const char *
gleaner_result_get_og_site_name (GleanerResult *self)
{
  return gleaner_result_get_fact (self, GLEANER_FIELD_OG_SITE_NAME);
}

const char *
gleaner_result_get_canonical (GleanerResult *self)
{
  return gleaner_result_get_fact (self, GLEANER_FIELD_CANONICAL);
}

const char *
gleaner_result_get_lang (GleanerResult *self)
{
  return gleaner_result_get_fact (self, GLEANER_FIELD_LANG);
}

const char *
gleaner_result_get_h1 (GleanerResult *self)
{
  return gleaner_result_get_fact (self, GLEANER_FIELD_H1);
}

guint64
gleaner_result_get_body_bytes (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), 0);
  return self->body_bytes;
}

/**
 * gleaner_result_get_truncated:
 * @self: a result
 *
 * Returns: %TRUE if the body was larger than the size cap and only its
 *   beginning was read
 */
gboolean
gleaner_result_get_truncated (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), FALSE);
  return self->truncated;
}

guint
gleaner_result_get_attempts (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), 0);
  return self->attempts;
}

/**
 * gleaner_result_get_elapsed:
 * @self: a result
 *
 * Returns: seconds from the first request to the parsed result
 */
double
gleaner_result_get_elapsed (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), 0);
  return self->elapsed;
}

GleanerError
gleaner_result_get_error_kind (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), GLEANER_ERROR_NONE);
  return self->error_kind;
}

const char *
gleaner_result_get_error_message (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), NULL);
  return self->error_message;
}

gboolean
gleaner_result_get_succeeded (GleanerResult *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT (self), FALSE);
  return self->error_kind == GLEANER_ERROR_NONE;
}

void
_gleaner_result_set_final_url (GleanerResult *self,
                               const char    *final_url,
                               guint          redirect_count)
{
  g_clear_pointer (&self->final_url, g_free);
  if (final_url != NULL)
    self->final_url = displayable_url (final_url);
  if (g_strcmp0 (self->final_url, self->url) == 0)
    g_clear_pointer (&self->final_url, g_free);
  self->redirect_count = redirect_count;
}

/* Shared strings. Not g_ref_string_new_intern(): in GLib 2.74 it races with
 * g_ref_string_release() on another thread (the last release drops the count
 * to 0 before it takes the intern lock, and a concurrent intern finds the
 * dying string and acquires it from 0: "g_atomic_ref_count_inc: assertion
 * 'old_value > 0' failed", then a double free). 64 fetch threads make and
 * drop results with the same reason phrases all the time, so it happens.
 * Here the table holds a reference of its own to every entry, so an entry's
 * count never reaches 0 and acquiring it under the lock is safe. A hostile
 * server can send a new Content-Type with every page: past
 * SHARED_STRINGS_MAX entries, strings are still GRefStrings (released the
 * same way) but private copies. */
#define SHARED_STRINGS_MAX 4096

static GMutex      shared_strings_lock;
static GHashTable *shared_strings;   /* text -> GRefString (the table's ref) */

static char *
share_string (const char *text)
{
  char *shared;

  gleaner_mutex_lock (&shared_strings_lock);
  if (shared_strings == NULL)
    shared_strings = g_hash_table_new (g_str_hash, g_str_equal);
  shared = g_hash_table_lookup (shared_strings, text);
  if (shared == NULL && g_hash_table_size (shared_strings) < SHARED_STRINGS_MAX)
    {
      shared = g_ref_string_new (text);
      g_hash_table_add (shared_strings, shared);
    }
  if (shared != NULL)
    g_ref_string_acquire (shared);
  gleaner_mutex_unlock (&shared_strings_lock);

  return shared != NULL ? shared : g_ref_string_new (text);
}

/* A shared copy of @text, made valid UTF-8; NULL stays NULL. Thread-safe. */
static char *
intern_valid (const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return NULL;
  if (g_utf8_validate (text, -1, NULL))
    return share_string (text);

  valid = g_utf8_make_valid (text, -1);
  return share_string (valid);
}

void
_gleaner_result_set_status (GleanerResult *self,
                            guint          status,
                            const char    *reason)
{
  self->status = status;
  g_clear_pointer (&self->reason, g_ref_string_release);
  self->reason = intern_valid (reason);
}

void
_gleaner_result_set_content_type (GleanerResult *self,
                                  const char    *content_type)
{
  g_clear_pointer (&self->content_type, g_ref_string_release);
  self->content_type = intern_valid (content_type);
}

void
_gleaner_result_set_body (GleanerResult *self,
                          guint64        body_bytes,
                          gboolean       truncated)
{
  self->body_bytes = body_bytes;
  self->truncated = !!truncated;
}

void
_gleaner_result_set_attempts (GleanerResult *self,
                              guint          attempts)
{
  self->attempts = attempts;
}

void
_gleaner_result_set_elapsed (GleanerResult *self,
                             double         seconds)
{
  self->elapsed = seconds;
}

void
_gleaner_result_set_error (GleanerResult *self,
                           GleanerError   kind,
                           const char    *message)
{
  self->error_kind = kind;
  g_clear_pointer (&self->error_message, g_free);
  if (message != NULL)
    self->error_message = g_utf8_make_valid (message, -1);
}

void
_gleaner_result_take_facts (GleanerResult    *self,
                            GleanerPageFacts *facts)
{
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->encoding, g_ref_string_release);
  g_clear_pointer (&self->facts, gleaner_page_facts_free);
  self->encoding_source = GLEANER_ENCODING_SOURCE_NONE;

  if (facts == NULL)
    return;

  if (facts->has_title)
    self->title = g_steal_pointer (&facts->title);
  self->encoding = intern_valid (facts->encoding);
  self->encoding_source = facts->encoding_source;
  g_clear_pointer (&facts->encoding, g_free);

  if (facts->description != NULL || facts->og_title != NULL || facts->og_site_name != NULL ||
      facts->canonical != NULL || facts->lang != NULL || facts->h1 != NULL)
    self->facts = facts;
  else
    gleaner_page_facts_free (facts);
}

/* Copies @text into memory of the calling thread's own. */
static void
reallocate (char **text)
{
  char *moved;

  if (*text == NULL)
    return;
  moved = g_strdup (*text);
  g_free (*text);
  *text = moved;
}

/**
 * _gleaner_result_move_to_owner:
 *
 * Called by the thread that now owns @self (the delivery to the owner of a
 * run). A result is made on a fetch thread and gets its title on a parser
 * thread, each with its own malloc arena, between the short-lived buffers of
 * every request; kept there for the life of a row, its strings would keep the
 * free space around them from being reused or returned. Copied here, they
 * sit with the owner's other long-lived data.
 */
void
_gleaner_result_move_to_owner (GleanerResult *self)
{
  reallocate (&self->url);
  reallocate (&self->final_url);
  reallocate (&self->title);
  reallocate (&self->error_message);
}
