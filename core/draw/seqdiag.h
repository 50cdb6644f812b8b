/* Drawing hops as a sequence diagram: in the terminal (lanes, arrows,
 * labels, times) or as Mermaid's sequenceDiagram, the notation the
 * seeds draw resolution in. */
#ifndef DNSIM_DRAW_SEQDIAG_H
#define DNSIM_DRAW_SEQDIAG_H

#include <stdio.h>

#include "draw/hops.h"

void seqdiag_text(FILE *out, const hop_list *l);
void seqdiag_mermaid(FILE *out, const hop_list *l);

#endif
