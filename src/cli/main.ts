export async function main(argv: string[]): Promise<number> {
  console.log('proximity placeholder', argv.slice(2).join(' '));
  return 0;
}
