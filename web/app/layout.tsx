import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import './globals.css'

export const metadata: Metadata = {
  title: 'podstart',
  description: 'Where the seconds of every Kubernetes pod startup go',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            podstart
          </a>
        </header>
        <main>{children}</main>
      </body>
    </html>
  )
}
