import type { Metadata } from 'next'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { TableSort } from '@/components/table-sort.tsx'
import { ThemeToggle } from '@/components/theme-toggle.tsx'
import './globals.css'

export const metadata: Metadata = {
  title: 'podstart',
  description: 'Where the seconds of every Kubernetes pod startup go',
}

// Applies a saved theme before first paint (no flash); without one, prefers-color-scheme decides in CSS.
const THEME_SCRIPT = `try{var t=localStorage.getItem('podstart-theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <a href="#content" className="skip-link">
          Skip to content
        </a>
        <header className="topbar">
          <Link href="/" className="brand">
            podstart
          </Link>
          <nav aria-label="Main">
            <Link href="/">Overview</Link>
            <Link href="/images">Images</Link>
            <Link href="/clusters">Clusters</Link>
            <Link href="/namespaces">Namespaces</Link>
            <Link href="/workloads">Workloads</Link>
            <Link href="/nodes">Nodes</Link>
            <Link href="/pods">Pods</Link>
            <Link href="/advice">Advice</Link>
            <Link href="/reports">Reports</Link>
            <Link href="/alerts">Alerts</Link>
            <Link href="/imports">Imports</Link>
          </nav>
          <ThemeToggle />
        </header>
        <main id="content" tabIndex={-1}>
          {children}
        </main>
        <TableSort />
      </body>
    </html>
  )
}
