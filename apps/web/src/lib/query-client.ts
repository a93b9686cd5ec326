import { QueryClient } from '@tanstack/react-query';

// Live data arrives over /api/live and is written into this cache; queries only fill history.
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 2 },
  },
});
