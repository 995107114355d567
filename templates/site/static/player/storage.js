// The queue, the position, the speed and the volume, kept in localStorage across page loads.
const STORAGE_KEY = "audiocast:player:v1";

export function store(snapshot) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(snapshot));
  } catch (error) {
    // private mode or a full quota: the player still works, it only forgets
  }
}

export function stored() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
  } catch (error) {
    return null;
  }
}
