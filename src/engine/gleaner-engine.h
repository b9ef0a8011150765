/* gleaner-engine.h: umbrella header of the Gleaner engine (GLib, GIO, libsoup, libxml2)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "gleaner-config.h"
#include "gleaner-error.h"
#include "gleaner-exporter.h"
#include "gleaner-pipeline.h"
#include "gleaner-result.h"
#include "gleaner-title-parser.h"
#include "gleaner-types.h"
#include "gleaner-url-list.h"

G_BEGIN_DECLS

/* Call once from main() before any pipeline exists (initialises libxml2 on the
 * main thread, as libxml2 2.9 requires, and the engine's translations). */
void gleaner_engine_init (void);

G_END_DECLS
