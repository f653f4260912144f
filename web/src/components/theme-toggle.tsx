'use client'
// Light/dark toggle over prefers-color-scheme; the choice is kept in localStorage and applied before paint
// by the inline script in the layout.
import { useEffect, useState } from 'react'

type Theme = 'light' | 'dark'

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme | null>(null)
  useEffect(() => {
    const set = document.documentElement.dataset.theme
    setTheme(
      set === 'light' || set === 'dark'
        ? set
        : window.matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light',
    )
  }, [])
  const next: Theme = theme === 'dark' ? 'light' : 'dark'
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-label={`Switch to ${next} theme`}
      data-theme-toggle
      onClick={() => {
        document.documentElement.dataset.theme = next
        try {
          localStorage.setItem('podstart-theme', next)
        } catch {}
        setTheme(next)
      }}
    >
      {theme === null ? 'Theme' : theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  )
}
