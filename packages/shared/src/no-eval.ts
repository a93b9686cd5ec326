// Imported first by the dashboard (apps/web/src/main.tsx), for its side effect: zod validates without compiling
// parsers through `Function`. Zod 4 decides when each object schema is built, and probes `Function('')` to
// decide, which a Content-Security-Policy without 'unsafe-eval' (the dashboard's, docs/spec.md#5-security) refuses and
// reports as a violation. So this must run before any schema module is evaluated. The server keeps the
// faster compiled parsers.
import { z } from 'zod';

z.config({ jitless: true });
