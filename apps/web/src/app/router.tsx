import { BrowserRouter, Route, Routes } from 'react-router';

export function AppRouter() {
  return (
    <BrowserRouter>
      <Routes>
        <Route
          path="*"
          element={
            <main>
              <h1>hopwatch</h1>
            </main>
          }
        />
      </Routes>
    </BrowserRouter>
  );
}
