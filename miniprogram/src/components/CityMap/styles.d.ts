// Leaflet's own style sheets, imported for their side effects by index.h5.tsx.
declare module 'leaflet/dist/leaflet.css'
declare module 'leaflet.markercluster/dist/MarkerCluster.css'
