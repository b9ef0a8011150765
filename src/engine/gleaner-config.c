/* gleaner-config.c: the settings of one run
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "gleaner-config.h"
#include "gleaner-error.h"

G_DEFINE_BOXED_TYPE (GleanerConfig, gleaner_config, gleaner_config_copy, gleaner_config_free)

/**
 * gleaner_config_default_user_agent:
 *
 * Returns: the User-Agent Gleaner sends unless told otherwise: it names the
 *   program, its version and where to read about it, as a polite crawler does.
 */
const char *
gleaner_config_default_user_agent (void)
{
  return "Gleaner/" PACKAGE_VERSION " (+" PACKAGE_WEBSITE ")";
}

/**
 * gleaner_config_new:
 *
 * Returns: (transfer full): a configuration with the documented defaults
 */
GleanerConfig *
gleaner_config_new (void)
{
  GleanerConfig *config = g_new0 (GleanerConfig, 1);

  config->n_workers = GLEANER_DEFAULT_WORKERS;
  config->n_parsers = 0;
  config->per_host = GLEANER_DEFAULT_PER_HOST;
  config->max_redirects = GLEANER_DEFAULT_MAX_REDIRECTS;
  config->retries = GLEANER_DEFAULT_RETRIES;
  config->timeout = GLEANER_DEFAULT_TIMEOUT;
  config->deadline = GLEANER_DEFAULT_DEADLINE;
  config->max_retry_after = GLEANER_DEFAULT_MAX_RETRY_AFTER;
  config->max_body = GLEANER_DEFAULT_MAX_BODY;
  config->max_pages_in_flight = 0;
  config->delivery_interval_ms = 0;
  config->fields = GLEANER_FIELD_TITLE;
  config->ignore_tls_errors = FALSE;
  config->user_agent = g_strdup (gleaner_config_default_user_agent ());
  config->accept_language = NULL;

  return config;
}

GleanerConfig *
gleaner_config_copy (const GleanerConfig *config)
{
  GleanerConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_memdup2 (config, sizeof *config);
  copy->user_agent = g_strdup (config->user_agent);
  copy->accept_language = g_strdup (config->accept_language);

  return copy;
}

void
gleaner_config_free (GleanerConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->user_agent);
  g_free (config->accept_language);
  g_free (config);
}

void
gleaner_config_set_user_agent (GleanerConfig *config,
                               const char    *user_agent)
{
  g_return_if_fail (config != NULL);

  if (user_agent == NULL || *user_agent == '\0')
    user_agent = gleaner_config_default_user_agent ();
  g_free (config->user_agent);
  config->user_agent = g_strdup (user_agent);
}

void
gleaner_config_set_accept_language (GleanerConfig *config,
                                    const char    *accept_language)
{
  g_return_if_fail (config != NULL);

  g_free (config->accept_language);
  config->accept_language = (accept_language && *accept_language) ? g_strdup (accept_language) : NULL;
}

static const struct {
  const char    *name;
  GleanerFields  field;
} field_names[] = {
  { "title",        GLEANER_FIELD_TITLE },
  { "description",  GLEANER_FIELD_DESCRIPTION },
  { "og_title",     GLEANER_FIELD_OG_TITLE },
  { "og_site_name", GLEANER_FIELD_OG_SITE_NAME },
  { "canonical",    GLEANER_FIELD_CANONICAL },
  { "lang",         GLEANER_FIELD_LANG },
  { "h1",           GLEANER_FIELD_H1 },
};

/**
 * gleaner_fields_parse:
 * @str: a comma-separated list of field names ("title,description,h1") or "all"
 * @fields: (out): the parsed fields; the title is always included
 * @error: a %G_OPTION_ERROR naming the unknown field
 *
 * Returns: %TRUE if every name is known
 */
gboolean
gleaner_fields_parse (const char     *str,
                      GleanerFields  *fields,
                      GError        **error)
{
  g_auto(GStrv) names = NULL;
  GleanerFields result = GLEANER_FIELD_TITLE;

  g_return_val_if_fail (str != NULL, FALSE);

  names = g_strsplit (str, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      gboolean found = FALSE;

      if (*name == '\0')
        continue;
      if (g_str_equal (name, "all"))
        {
          result |= GLEANER_FIELDS_ALL;
          continue;
        }
      for (guint j = 0; j < G_N_ELEMENTS (field_names); j++)
        {
          /* Accept the dash spelling too ("og-title"), as property names use it. */
          g_autofree char *dashed = g_strdelimit (g_strdup (field_names[j].name), "_", '-');

          if (g_str_equal (name, field_names[j].name) || g_str_equal (name, dashed))
            {
              result |= field_names[j].field;
              found = TRUE;
              break;
            }
        }
      if (!found)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown field “%s” (known: title, description, og_title, "
                         "og_site_name, canonical, lang, h1, all)"), name);
          return FALSE;
        }
    }

  *fields = result;
  return TRUE;
}
