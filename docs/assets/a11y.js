/* Accessibility shims for Material's HTML (filled in below). */
